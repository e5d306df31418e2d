"""The metrology sub-navigation, shown on every metrology page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("metrology:home", _("Overview")),
    ("metrology:cmc-list", _("CMCs")),
    ("metrology:network", _("Network and gaps")),
    ("metrology:instrument-list", _("Equipment")),
    ("metrology:due-list", _("Due and overdue")),
    ("metrology:record-list", _("Calibrations")),
    ("metrology:broken-chains", _("Traceability")),
    ("metrology:comparison-list", _("Comparisons")),
    ("metrology:mra-matrix", _("Mutual recognition")),
    ("metrology:procedure-list", _("Procedures")),
    ("verify", _("Verify a certificate")),
]


def metrology(request):
    if not request.path.startswith(("/metrology/", "/verify/")):
        return {}
    sections = []
    for name, label in SECTIONS:
        try:
            reverse(name)
        except NoReverseMatch:  # an area whose pages are not built yet
            continue
        sections.append((name, label))
    return {"metrology_sections": sections}
