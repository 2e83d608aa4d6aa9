"""Incidents in the admin: read-only. Every change goes through incidents/services.py."""

from __future__ import annotations

from django.contrib import admin

from incidents.models import (
    Attachment,
    DatatilsynetNotification,
    Incident,
    IncidentText,
    OtherRecords,
    SubjectsNotice,
    TimelineEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "actor", "kind", "visibility", "changes", "body"]


class TextInline(ReadOnlyInline):
    model = IncidentText
    fields = ["written_at", "author", "kind", "text", "removed_at"]


class DtNotificationInline(ReadOnlyInline):
    model = DatatilsynetNotification
    fk_name = "incident"
    fields = [
        "phase",
        "notified_at",
        "dt_reference",
        "items_later",
        "items_supplied",
        "recorded_by",
    ]


class SubjectsNoticeInline(ReadOnlyInline):
    """The step tables' facts, shown with the incident they belong to."""

    model = SubjectsNotice


class OtherRecordsInline(ReadOnlyInline):
    model = OtherRecords


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "category", "status", "reported_at", "notification_deadline"]
    list_filter = ["status", "category"]
    search_fields = ["reference", "otherrecords__sbsys_case_number"]
    inlines = [
        SubjectsNoticeInline,
        OtherRecordsInline,
        DtNotificationInline,
        TextInline,
        TimelineInline,
    ]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ["incident", "at", "kind", "actor", "visibility"]
    list_filter = ["kind"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["incident", "original_name", "content_type", "size", "uploaded_at"]
    exclude = ["file"]  # downloads go through the permission-checked view
