"""Admin for the metrology registry. Issued calibration records are read-only here too: the models
refuse changes, and the admin shows them without edit widgets so nobody tries."""

from django.contrib import admin

from nqi.metrology.models import (
    Accreditation,
    CalibrationPoint,
    CalibrationRecord,
    Cmc,
    Comparison,
    Instrument,
    InstrumentQuantity,
    MetrologyArea,
    Participant,
    Procedure,
    ProcedureVersion,
    Service,
    StandardUse,
)


@admin.register(MetrologyArea)
class MetrologyAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "branch", "service", "quantity", "unit"]
    list_filter = ["area"]
    search_fields = ["code", "name", "branch", "service", "quantity"]


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
    list_display = ["number", "laboratory", "body", "standard", "valid_from", "valid_until", "status"]
    list_filter = ["status", "body"]
    raw_id_fields = ["laboratory", "body"]


@admin.register(Cmc)
class CmcAdmin(admin.ModelAdmin):
    list_display = [
        "kcdb_code",
        "laboratory",
        "service",
        "quantity",
        "range_low",
        "range_high",
        "unit",
        "status",
    ]
    list_filter = ["status", "service__area"]
    search_fields = ["kcdb_code", "quantity", "instrument"]
    raw_id_fields = ["laboratory", "service", "traceability_source", "procedure"]


class QuantityInline(admin.TabularInline):
    model = InstrumentQuantity
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["asset_number", "name", "owner", "level", "status", "next_due"]
    list_filter = ["level", "status"]
    search_fields = ["asset_number", "name", "serial_number", "manufacturer", "model"]
    raw_id_fields = ["owner"]
    inlines = [QuantityInline]


class PointInline(admin.TabularInline):
    model = CalibrationPoint
    extra = 0


class StandardUseInline(admin.TabularInline):
    model = StandardUse
    extra = 0
    fk_name = "record"
    raw_id_fields = ["standard", "standard_calibration"]
    readonly_fields = ["calibrated_on"]


@admin.register(CalibrationRecord)
class CalibrationRecordAdmin(admin.ModelAdmin):
    list_display = ["certificate_number", "item", "laboratory", "calibrated_on", "status", "as_found_verdict"]
    list_filter = ["status", "as_found_verdict"]
    search_fields = ["certificate_number"]
    raw_id_fields = [
        "item", "laboratory", "customer", "cmc", "procedure", "supersedes", "performed_by", "approved_by", "issued_by"
    ]  # fmt: skip
    inlines = [PointInline, StandardUseInline]
    show_full_result_count = False  # a million rows: no COUNT(*) on every page

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["laboratory"]


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["identifier", "kind", "pilot", "status", "starts_on"]
    list_filter = ["kind", "status"]
    search_fields = ["identifier", "title", "measurand"]
    raw_id_fields = ["pilot", "service", "linked_to"]
    inlines = [ParticipantInline]


class VersionInline(admin.StackedInline):
    model = ProcedureVersion
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "owner", "shared"]
    list_filter = ["shared", "area"]
    search_fields = ["code", "title"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["services"]
    inlines = [VersionInline]
