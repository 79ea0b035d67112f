"""One module per matter type, each declaring a ``MATTER_TYPE``; ``matters.catalogue`` registers them."""
