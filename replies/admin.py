from django.contrib import admin

from .models import Reply, ReplyBlock


class ReplyBlockInline(admin.TabularInline):
    model = ReplyBlock
    extra = 0
    fields = ["position", "kind", "standard_kind", "heading", "section", "source_history_id", "last_updated",
              "language", "locally_edited"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    """View only: replies change through the composer, which checks status and version."""

    list_display = ["pk", "inquiry", "title", "status", "author", "reviewer", "version", "updated_at"]
    list_filter = ["status", "language"]
    search_fields = ["title", "inquiry__reference"]
    list_select_related = ["inquiry", "author", "reviewer"]
    inlines = [ReplyBlockInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # view only: an admin save would skip the version check and the timeline

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
