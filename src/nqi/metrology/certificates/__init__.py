"""Calibration certificates: the DCC (XML) and PDF of a record, DCC import, public verification."""
