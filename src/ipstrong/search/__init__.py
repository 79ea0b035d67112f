"""Patent search: the query language, the index, facets and highlights (issue 6)."""
