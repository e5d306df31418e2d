"""Reference and demo data of the metrology network."""
