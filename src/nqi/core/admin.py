from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from nqi.core.models import ApiToken, AuditEntry

admin.site.site_header = "NQI administration"
admin.site.site_title = "NQI"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "content_type", "object_repr", "actor_label", "source"]
    list_filter = ["action", "content_type", "source"]
    search_fields = ["object_repr", "actor_label", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditEntryInline(GenericTabularInline):
    """The change history on an audited object's admin page (read-only)."""

    model = AuditEntry
    ct_fk_field = "object_id"
    fields = ["created_at", "action", "actor_label", "source", "changes"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]
    verbose_name_plural = "History"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
