"""The ``nqi`` command line: a thin layer over the libraries and the app services."""
