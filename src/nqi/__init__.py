"""NQI: the open platform for a country's national quality infrastructure."""

__version__ = "0.1.0"
