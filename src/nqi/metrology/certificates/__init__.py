"""Calibration certificates: the DCC (XML) and PDF of a record, DCC import, public verification."""

from django.urls import register_converter


class CertificateNumberConverter:
    """URL part holding a certificate number: any characters, slashes included (``…/R1``).

    Django's ``path`` converter stops at a line break, so a number with odd characters would fall
    through to the site's HTML 404; this one lets the verification answer "unknown" instead.
    """

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CertificateNumberConverter, "certno")
