from django.contrib import admin

from nqi.committees.models import (
    Ballot,
    Comment,
    CommitteeMember,
    MirrorCommittee,
    NationalPosition,
    Nomination,
    ParticipationChange,
    Vote,
    WorkItem,
)


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(MirrorCommittee)
class MirrorCommitteeAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "member_body", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    filter_horizontal = ["mirrors"]
    inlines = [MemberInline]


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ["reference", "committee", "ballot_type", "opens", "closes"]
    list_filter = ["ballot_type"]
    search_fields = ["reference", "title"]
    raw_id_fields = ["committee", "document", "mirror"]


@admin.register(ParticipationChange)
class ParticipationChangeAdmin(admin.ModelAdmin):
    list_display = ["member_body", "committee", "old_status", "new_status", "changed_by_label", "changed_at"]
    raw_id_fields = ["committee"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only: the history must not be rewritten


admin.site.register([Vote, Comment, NationalPosition, Nomination, WorkItem])
