"""One module per matter type, each declaring a ``MATTER_TYPE``; ``matters.catalogue`` registers them. ``penalty``
holds the administrative penalty procedure that two of them share."""
