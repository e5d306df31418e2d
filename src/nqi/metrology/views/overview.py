"""The metrology home page: the network at a glance and the way into each area."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from nqi.metrology.models import (
    CalibrationRecord,
    Cmc,
    CmcStatus,
    Comparison,
    Instrument,
    Procedure,
    RecordStatus,
)
from nqi.metrology.services.equipment import due_list, overdue
from nqi.organizations.models import Organization

LAB_KINDS = ("nmi", "metrology_centre", "laboratory")


def home(request):
    today = timezone.localdate()
    laboratories = (
        Organization.objects.filter(kind__in=LAB_KINDS)
        .select_related("country")
        .annotate(
            cmc_count=Count("cmcs", filter=Q(cmcs__status=CmcStatus.PUBLISHED), distinct=True),
            instrument_count=Count("instruments", distinct=True),
        )
        .order_by("country__code", "kind", "name")
    )
    context = {
        "laboratories": laboratories,
        "counts": {
            "cmcs": Cmc.objects.filter(status=CmcStatus.PUBLISHED).count(),
            "instruments": Instrument.objects.count(),
            "certificates": CalibrationRecord.objects.filter(status=RecordStatus.ISSUED).count(),
            "comparisons": Comparison.objects.count(),
            "procedures": Procedure.objects.filter(shared=True).count(),
            "due": due_list(days=30, today=today).count(),
            "overdue": overdue(today=today).count(),
        },
    }
    return render(request, "metrology/home.html", context)


urlpatterns = [path("", home, name="home")]
