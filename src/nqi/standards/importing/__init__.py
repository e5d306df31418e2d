"""Importers for the ISO Open Data and IEC catalogue files (deliverables, committees, ICS)."""
