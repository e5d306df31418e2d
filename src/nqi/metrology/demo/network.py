"""Demo metrology network for Vietnam, Uzbekistan and Kazakhstan (``nqi demo``).

The laboratories are the real bodies seeded by :mod:`nqi.organizations.demo` (VMI, the QUATEST
centres, UzNIM and its regional centres, KazStandard, KRISS, BIPM …). Everything written here —
accreditation numbers, CMC values, instruments, certificates, comparison results, procedure codes —
is illustrative demo data, marked "(demo)" where a reader could mistake it for an official record.
The calibration ranges and uncertainties are of the order real laboratories publish, so that pages,
verdicts, intervals and the network view look like real use.

Everything goes through the services (so certificates are issued with a validated DCC). It is
written once: a second run finds the demo instruments and returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from nqi.core.audit import acting_as
from nqi.metrology.models import Instrument, Service
from nqi.organizations.models import Organization

DEMO_TAG = "DEMO-"
LABS = {
    "vmi": "vn-vmi",
    "q1": "vn-quatest1",
    "q2": "vn-quatest2",
    "q3": "vn-quatest3",
    "boa": "vn-boa",
    "uznim": "uz-nim",
    "bukhara": "uz-nim-bukhara",
    "sirdarya": "uz-nim-sirdarya",
    "uzacc": "uz-accreditation",
    "ksm": "kz-ksm",
    "shymkent": "kz-ksm-shymkent",
    "nca": "kz-nca",
    "kriss": "kr-kriss",
    "nim": "cn-nim",
    "vniim": "ru-vniim",
    "bipm": "int-bipm",
}


@dataclass
class DemoSummary:
    accreditations: int = 0
    cmcs: int = 0
    instruments: int = 0
    certificates: int = 0
    comparisons: int = 0
    procedures: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.accreditations} accreditations, {self.cmcs} CMCs, {self.instruments} instruments, "
            f"{self.certificates} certificates, {self.comparisons} comparisons, {self.procedures} procedures"
        )


def _system_user():
    """The acting account for demo writes: a superuser (one that cannot log in, if there is none)."""
    User = get_user_model()
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user, created = User.objects.get_or_create(
            username="nqi-demo-loader", defaults={"is_superuser": True, "is_staff": False}
        )
        if created:
            user.set_unusable_password()
            user.save()
    return user


def load_demo(today: dt.date | None = None) -> DemoSummary:
    from nqi.metrology.demo.taxonomy import load_taxonomy

    summary = DemoSummary()
    load_taxonomy()
    labs = {key: Organization.objects.filter(seed_key=seed).first() for key, seed in LABS.items()}
    missing = [seed for key, seed in LABS.items() if labs[key] is None]
    if missing:
        summary.notes.append(f"organizations missing (load the organizations first): {', '.join(missing)}")
        return summary
    if Instrument.objects.filter(asset_number__startswith=DEMO_TAG).exists():
        summary.notes.append("already loaded")
        return summary
    today = today or timezone.localdate()
    user = _system_user()
    with transaction.atomic(), acting_as(user, "demo"):
        from nqi.metrology.demo import calibrations, capabilities, exchange

        services = {s.code: s for s in Service.objects.all()}
        summary.accreditations, summary.cmcs = capabilities.load(user, labs, services, today)
        procedures = exchange.load_procedures(user, labs, services, today)
        summary.procedures = len(procedures)
        summary.instruments, summary.certificates = calibrations.load(user, labs, procedures, today)
        summary.comparisons = exchange.load_comparisons(user, labs, services, today)
    return summary
