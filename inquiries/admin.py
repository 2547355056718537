"""Admin: read-mostly. Status changes belong to the desk's services, and the timeline is append-only."""

from django.contrib import admin

from .models import IncomingMessage, Inquiry, InquiryAttachment, InquiryEvent, Requester


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = InquiryEvent
    fields = ["created_at", "action", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = InquiryAttachment
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "channel", "assignee", "received_at", "due_date"]
    list_filter = ["status", "channel"]
    search_fields = ["reference", "requester__name", "requester__email"]
    list_select_related = ["assignee"]
    raw_id_fields = ["requester", "duplicate_of", "assignee"]
    filter_horizontal = ["topics"]
    readonly_fields = ["reference", "status", "assignee", "sent_at", "closed_at", "close_reason", "duplicate_of"]
    inlines = [AttachmentInline, EventInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Requester)
class RequesterAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "language", "anonymised_at"]
    search_fields = ["name", "email"]
    readonly_fields = ["anonymised_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncomingMessage)
class IncomingMessageAdmin(admin.ModelAdmin):
    """The log of mail taken in (import_mail, fetch_mail): what became of each Message-ID."""

    list_display = ["message_id", "outcome", "reason", "inquiry", "received_at"]
    list_filter = ["outcome"]
    search_fields = ["message_id", "inquiry__reference"]
    list_select_related = ["inquiry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
