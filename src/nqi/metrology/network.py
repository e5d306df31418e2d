"""Who covers what in the network, and where the gaps are.

Coverage comes from the CMCs in review or published (:data:`NETWORK_STATUSES`; published only on
request): per service, which laboratories offer which range with which uncertainty. Ranges are
converted into the service's unit (°C ↔ K with its offset) so that they can be compared.

Gaps of a country's network:

(a) services of the taxonomy no laboratory of the country offers;
(b) services only the national metrology institute offers (no regional centre or other laboratory);
(c) holes in a service's range: the parts between the lowest and the highest value offered in the
    country that no CMC covers (the hull of the ranges minus their union);
(d) laboratories whose accreditation has expired, or was suspended or withdrawn, with none current.

Each service's ranges are drawn as an inline SVG bar chart (:func:`range_chart`), on a logarithmic
axis when every value is positive and they span two decades or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from ninja import Field, Schema

from nqi.core.search import ranked
from nqi.metrology.models import Accreditation, Cmc, CmcStatus, Service, UncertaintyKind
from nqi.metrology.services.capabilities import MAX_MAGNITUDE, convert
from nqi.metrology.validators import same_dimension, validate_unit
from nqi.organizations.models import Organization

NETWORK_STATUSES = (CmcStatus.INTERNAL_REVIEW, CmcStatus.REGIONAL_REVIEW, CmcStatus.PUBLISHED)


class CmcFilters(Schema):
    """The CMC search shared by the list page and the API."""

    q: str | None = Field(None, max_length=200, description="Search words (code, quantity, instrument, lab)")
    laboratory: int | None = Field(None, ge=1, le=2_147_483_647, description="Laboratory (organization) id")
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")
    area: str | None = Field(None, max_length=10, description="Metrology area code, e.g. M or EM")
    service: str | None = Field(None, max_length=40, description="Service classification code, e.g. M-1.1")
    status: CmcStatus | None = None
    covers: float | None = Field(
        None, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, description="Only CMCs whose range contains this value"
    )
    unit: str | None = Field(None, max_length=40, description="Unit of `covers` (default: each CMC's own)")


def _covering(queryset: QuerySet[Cmc], value: float, unit: str | None) -> Q:
    """Ranges containing ``value``: the value is converted into each unit the CMCs use (few)."""
    if not unit:
        return Q(range_low__lte=value, range_high__gte=value)
    condition = Q(pk__in=[])
    for cmc_unit in sorted(set(queryset.order_by().values_list("unit", flat=True).distinct())):
        if not same_dimension(unit, cmc_unit):
            continue
        converted = convert(value, unit, cmc_unit)
        tolerance = 1e-9 * abs(converted)
        condition |= Q(
            unit=cmc_unit, range_low__lte=converted + tolerance, range_high__gte=converted - tolerance
        )
    return condition


def filter_cmcs(filters: CmcFilters) -> QuerySet[Cmc]:
    queryset = Cmc.objects.select_related("laboratory__country", "service__area")
    if filters.laboratory:
        queryset = queryset.filter(laboratory_id=filters.laboratory)
    if filters.country:
        queryset = queryset.filter(laboratory__country__code=filters.country.upper())
    if filters.area:
        queryset = queryset.filter(service__area__code=filters.area)
    if filters.service:
        queryset = queryset.filter(service__code=filters.service)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.covers is not None:
        if filters.unit:
            try:
                validate_unit(filters.unit)
            except ValidationError as exc:
                raise ValidationError({"unit": exc.messages}) from None
        queryset = queryset.filter(_covering(queryset, filters.covers, filters.unit))
    return ranked(queryset, filters.q, "service__code", "laboratory__acronym", "range_low", "pk")


def uncertainty_label(cmc: Cmc) -> str:
    """The expanded uncertainty as the CMC states it: "0.5 mg", "2–5 µV/V", the equation, a table."""
    unit = cmc.uncertainty_unit or cmc.unit
    if cmc.uncertainty_kind == UncertaintyKind.EQUATION:
        return f"U(x) = {cmc.uncertainty_equation} {unit}"
    if cmc.uncertainty_kind == UncertaintyKind.TABLE:
        values = [
            row[1] for row in cmc.uncertainty_table or [] if isinstance(row, list | tuple) and len(row) == 2
        ]
        if not values:
            return ""
        return _("%(low)s–%(high)s %(unit)s (table of %(count)s values)") % {
            "low": f"{min(values):g}",
            "high": f"{max(values):g}",
            "unit": unit,
            "count": len(values),
        }
    if cmc.uncertainty_low is None:
        return ""
    if cmc.uncertainty_high is None or cmc.uncertainty_high == cmc.uncertainty_low:
        return f"{cmc.uncertainty_low:g} {unit}"
    return f"{cmc.uncertainty_low:g}–{cmc.uncertainty_high:g} {unit}"


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


@dataclass
class Offer:
    """One CMC in the coverage of its service, its range in the service's unit."""

    cmc: Cmc
    low: float
    high: float

    @property
    def laboratory(self) -> Organization:
        return self.cmc.laboratory

    @property
    def uncertainty(self) -> str:
        return uncertainty_label(self.cmc)


@dataclass
class ServiceCoverage:
    service: Service
    offers: list[Offer] = field(default_factory=list)

    @property
    def laboratories(self) -> list[Organization]:
        seen: dict[int, Organization] = {}
        for offer in self.offers:
            seen.setdefault(offer.laboratory.pk, offer.laboratory)
        return list(seen.values())

    @property
    def nmi_only(self) -> bool:
        return all(lab.kind == "nmi" for lab in self.laboratories)

    @property
    def holes(self) -> list[tuple[float, float]]:
        """Parts of [lowest, highest] that no range covers, in the service's unit."""
        spans = sorted((o.low, o.high) for o in self.offers)
        holes, reach = [], spans[0][1] if spans else 0.0
        for low, high in spans[1:]:
            if low > reach + 1e-9 * max(abs(low), abs(reach)):
                holes.append((reach, low))
            reach = max(reach, high)
        return holes

    @property
    def chart(self) -> SafeString:
        return range_chart(self)


@dataclass
class AreaCoverage:
    code: str
    name: str
    services: list[ServiceCoverage]


def _offers(country: str | None, published_only: bool) -> QuerySet[Cmc]:
    statuses = (CmcStatus.PUBLISHED,) if published_only else NETWORK_STATUSES
    queryset = Cmc.objects.filter(status__in=statuses).select_related("laboratory__country", "service__area")
    if country:
        queryset = queryset.filter(laboratory__country__code=country.upper())
    return queryset.order_by("service__code", "laboratory__kind", "laboratory__acronym", "range_low", "pk")


def coverage(country: str | None = None, published_only: bool = False) -> list[AreaCoverage]:
    """The services offered (with every offer), grouped by metrology area, in taxonomy order."""
    by_service: dict[int, ServiceCoverage] = {}
    for cmc in _offers(country, published_only):
        service = cmc.service
        try:
            low, high = (convert(v, cmc.unit, service.unit) for v in (cmc.range_low, cmc.range_high))
        except Exception:  # a unit the service cannot take (the model refuses those)
            continue
        by_service.setdefault(service.pk, ServiceCoverage(service)).offers.append(Offer(cmc, low, high))
    areas: dict[str, AreaCoverage] = {}
    for item in sorted(by_service.values(), key=lambda s: (s.service.area.code, s.service.code)):
        area = item.service.area
        areas.setdefault(area.code, AreaCoverage(area.code, area.display_name, [])).services.append(item)
    return list(areas.values())


@dataclass
class ExpiredAccreditation:
    laboratory: Organization
    accreditation: Accreditation


@dataclass
class Gaps:
    country: str
    uncovered: list[Service]
    nmi_only: list[ServiceCoverage]
    holes: list[ServiceCoverage]
    expired: list[ExpiredAccreditation]

    @property
    def count(self) -> int:
        return len(self.uncovered) + len(self.nmi_only) + len(self.holes) + len(self.expired)


def expired_accreditations(country: str, today=None) -> list[ExpiredAccreditation]:
    """Laboratories of the country whose accreditations are all expired, suspended or withdrawn."""
    today = today or timezone.localdate()
    latest: dict[int, Accreditation] = {}
    current: set[int] = set()
    accreditations = Accreditation.objects.filter(laboratory__country__code=country.upper()).select_related(
        "laboratory", "body"
    )
    for accreditation in accreditations.order_by("laboratory_id", "-valid_until", "pk"):
        latest.setdefault(accreditation.laboratory_id, accreditation)
        if accreditation.is_valid_on(today):
            current.add(accreditation.laboratory_id)
    return [
        ExpiredAccreditation(a.laboratory, a)
        for lab_id, a in sorted(latest.items(), key=lambda item: item[1].valid_until)
        if lab_id not in current
    ]


def gaps(country: str, published_only: bool = False, areas: list[AreaCoverage] | None = None) -> Gaps:
    """The four kinds of gap of one country's network (see the module docstring)."""
    areas = coverage(country, published_only) if areas is None else areas
    offered = [item for area in areas for item in area.services]
    covered_ids = {item.service.pk for item in offered}
    return Gaps(
        country=country.upper(),
        uncovered=list(Service.objects.exclude(pk__in=covered_ids).select_related("area")),
        nmi_only=[item for item in offered if item.nmi_only],
        holes=[item for item in offered if item.holes],
        expired=expired_accreditations(country),
    )


def _offer_dict(offer: Offer) -> dict:
    cmc = offer.cmc
    return {
        "cmc_id": cmc.pk,
        "laboratory_id": cmc.laboratory_id,
        "laboratory": cmc.laboratory.acronym or cmc.laboratory.name,
        "kind": cmc.laboratory.kind,
        "low": offer.low,
        "high": offer.high,
        "status": cmc.status,
        "uncertainty": offer.uncertainty,
    }


def as_dict(country: str | None = None, published_only: bool = False) -> dict:
    """Coverage (and, for a country, its gaps) as plain data, for the API."""
    areas = coverage(country, published_only)
    body: dict = {
        "country": country.upper() if country else None,
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "services": [
                    {
                        "service": item.service.code,
                        "name": item.service.display_name,
                        "unit": item.service.unit,
                        "offers": [_offer_dict(offer) for offer in item.offers],
                        "nmi_only": item.nmi_only,
                        "holes": [list(hole) for hole in item.holes],
                    }
                    for item in area.services
                ],
            }
            for area in areas
        ],
        "gaps": None,
    }
    if country:
        found = gaps(country, published_only, areas)
        body["gaps"] = {
            "country": found.country,
            "uncovered": [service.code for service in found.uncovered],
            "nmi_only": [item.service.code for item in found.nmi_only],
            "holes": {item.service.code: [list(hole) for hole in item.holes] for item in found.holes},
            "expired": [
                {
                    "laboratory_id": e.laboratory.pk,
                    "laboratory": str(e.laboratory),
                    "accreditation": e.accreditation.number,
                    "valid_until": e.accreditation.valid_until,
                    "status": e.accreditation.status,
                }
                for e in found.expired
            ],
        }
    return body


# --------------------------------------------------------------------------------------------
# The range chart
# --------------------------------------------------------------------------------------------

WIDTH, LABEL, ROW, AXIS = 640, 150, 18, 28
COLOURS = {"nmi": "#0d2b4d", "metrology_centre": "#1f7a8c", "laboratory": "#7a8ca3"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    start = math.ceil(low / step) * step
    return [start + i * step for i in range(int((high - start) / step + 1e-9) + 1)]


def _scale(low: float, high: float, logarithmic: bool):
    plot = WIDTH - LABEL - 10
    if logarithmic:
        low, high = math.log10(low), math.log10(high)
    span = (high - low) or 1.0

    def x(value: float) -> float:
        position = math.log10(value) if logarithmic else value
        return LABEL + (position - low) / span * plot

    return x


def range_chart(item: ServiceCoverage) -> SafeString:
    """Bars of each CMC's range over a common axis; the holes shaded."""
    values = [v for o in item.offers for v in (o.low, o.high)]
    if not values:
        return mark_safe("")
    low, high = min(values), max(values)
    logarithmic = low > 0 and high / low >= 100
    if logarithmic:
        low, high = 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))
        ticks = [10.0**n for n in range(round(math.log10(low)), round(math.log10(high)) + 1)]
        labels = [f"10{str(round(math.log10(t))).translate(_SUPERSCRIPT)}" for t in ticks]
    else:
        if low == high:
            low, high = low - (abs(low) or 1) * 0.5, high + (abs(high) or 1) * 0.5
        ticks = _nice_ticks(low, high)
        labels = [f"{t:g}" for t in ticks]
    x = _scale(low, high, logarithmic)
    height = AXIS + ROW * len(item.offers) + 6
    unit = escape(item.service.unit)
    title = _("Ranges offered for %(service)s, in %(unit)s") % {
        "service": item.service.display_name,
        "unit": item.service.unit,
    }
    parts = [
        f'<svg class="range-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    for hole_low, hole_high in item.holes:
        left, right = x(hole_low), x(hole_high)
        parts.append(
            f'<rect class="hole" x="{left:.1f}" y="{AXIS - 4}" width="{max(right - left, 1):.1f}" '
            f'height="{height - AXIS}" fill="#fde4e4"><title>{escape(_("Not covered"))}: '
            f"{hole_low:g}–{hole_high:g} {unit}</title></rect>"
        )
    for tick, label in zip(ticks, labels, strict=True):
        position = x(tick)
        parts.append(
            f'<line x1="{position:.1f}" x2="{position:.1f}" y1="{AXIS - 6}" y2="{height}" stroke="#d6dde6"/>'
            f'<text x="{position:.1f}" y="{AXIS - 10}" font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    for row, offer in enumerate(item.offers):
        top = AXIS + row * ROW
        left, right = x(offer.low), x(offer.high)
        lab = offer.laboratory
        name = escape(lab.acronym or lab.display_name)
        colour = COLOURS.get(lab.kind, "#7a8ca3")
        parts.append(
            f'<text x="{LABEL - 6}" y="{top + 12}" font-size="11" text-anchor="end">{name}</text>'
            f'<rect x="{left:.1f}" y="{top + 3}" width="{max(right - left, 3):.1f}" height="{ROW - 6}" '
            f'fill="{colour}"><title>{name}: {offer.low:g}–{offer.high:g} {unit}</title></rect>'
        )
    parts.append(
        f'<text x="{WIDTH - 4}" y="{height - 2}" font-size="10" text-anchor="end">{unit}</text></svg>'
    )
    return mark_safe("".join(parts))  # every interpolated text is escaped above
