from django.contrib import admin

from nqi.core.admin import AuditEntryInline
from nqi.organizations.models import Affiliation, Country, Organization, Person, UserOrganization


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "alpha3", "name"]
    search_fields = ["code", "alpha3", "name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "country", "parent", "iso_member_id", "is_active"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["name", "acronym", "iso_acronym"]
    autocomplete_fields = ["parent", "country"]
    inlines = [AuditEntryInline]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "email", "country"]
    search_fields = ["family_name", "given_name", "name_native", "email"]
    inlines = [AffiliationInline, AuditEntryInline]


@admin.register(UserOrganization)
class UserOrganizationAdmin(admin.ModelAdmin):
    list_display = ["user", "organization"]
    autocomplete_fields = ["organization"]
