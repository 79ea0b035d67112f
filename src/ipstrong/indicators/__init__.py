"""The declarative catalogue of official indicators and the engine that evaluates it over the warehouse."""
