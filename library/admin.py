from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from lib.markup import citation_keys, render_markdown
from library.forms import PLACEHOLDER_HELP, LetterheadAdminForm, ReferenceAdminForm, SectionAdminForm
from library.models import Letterhead, Reference, Section, StandardText, Topic, needs_review_q, stale_before
from library.search import search_sections, search_topics
from library.services import section_create, section_mark_reviewed, section_update


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", "Needs review (unknown or stale)"), ("unknown", "Unknown date"), ("stale", "Stale"),
                ("current", "Current")]

    def queryset(self, request, queryset):
        filters = {
            "needed": needs_review_q(),
            "unknown": Q(last_updated__isnull=True),
            "stale": Q(last_updated__lt=stale_before()),
            "current": Q(last_updated__gte=stale_before()),
        }
        return queryset.filter(filters[self.value()]) if self.value() in filters else queryset


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["kind", "heading", "language", "status", "last_updated"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "language", "gard_id", "section_count"]
    list_filter = ["language"]
    search_fields = ["name", "=gard_id"]
    search_help_text = "Name or synonym (typos are fine), or a GARD id."
    inlines = [SectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_count=Count("sections"))

    @admin.display(ordering="section_count", description="sections")
    def section_count(self, obj):
        return obj.section_count

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = [topic.pk for topic, _ in search_topics(search_term, limit=100)]
            queryset = queryset | self.get_queryset(request).filter(pk__in=found)
        return queryset, may_have_duplicates


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    form = ReferenceAdminForm
    list_display = ["text", "key", "pmid", "doi", "cited_by"]
    search_fields = ["text", "key", "pmid", "doi"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cited_by=Count("sections"))

    @admin.display(ordering="cited_by", description="cited by")
    def cited_by(self, obj):
        return obj.cited_by


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    form = SectionAdminForm
    list_display = ["heading", "topic", "kind", "language", "status", "last_updated", "times_used", "stale"]
    list_filter = [("topic", admin.RelatedOnlyFieldListFilter), "kind", "language", "status", ReviewFilter]
    list_select_related = ["topic"]
    search_fields = ["heading", "topic__name"]
    search_help_text = "Words of the heading, the topic or the text."
    autocomplete_fields = ["topic", "references"]
    readonly_fields = ["last_updated", "times_used", "preview"]
    fields = ["topic", "kind", "language", "heading", "body", "references", "status", "last_updated", "keep_date",
              "times_used", "preview"]
    actions = ["mark_reviewed"]

    @admin.display(boolean=True, description="needs review")
    def stale(self, obj):
        return obj.needs_review

    @admin.action(description="Mark the selected sections reviewed today", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        for section in queryset:
            section_mark_reviewed(section=section, by=request.user)
        self.message_user(request, f"{len(queryset)} section(s) marked reviewed today.")

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.pk:
            return "Save to see the preview."
        numbers = {key: n for n, key in enumerate(citation_keys(obj.body), start=1)}
        refs = {ref.key: ref for ref in obj.references.all()}
        items = format_html_join("", "<li>{}</li>", ((refs[key].text if key in refs else f"[?{key}]",)
                                                     for key in numbers))
        return format_html('<div class="section-preview">{}<ol>{}</ol></div>',
                           render_markdown(obj.body, numbers=numbers), items)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = [s.pk for s, _ in search_sections(search_term, limit=200, published_only=False)]
            queryset = queryset | self.get_queryset(request).filter(pk__in=found)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            form.instance = section_update(
                section=obj, by=request.user, heading=data["heading"], body=data["body"],
                keep_date=data.get("keep_date", False), status=data["status"], kind=data["kind"], topic=data["topic"],
                language=data["language"],
            )
        else:
            form.instance = section_create(topic=data["topic"], by=request.user, kind=data["kind"],
                                           heading=data["heading"], body=data["body"], status=data["status"],
                                           language=data["language"])
            obj.pk = form.instance.pk

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): section_create/section_update already set the references from the
        # body's citations, which decide them, not the picker (see SectionAdminForm).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(StandardText)
class StandardTextAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "language", "is_default", "shortcut"]
    list_filter = ["kind", "language", "is_default"]
    search_fields = ["name", "body", "shortcut"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("help_texts", {"body": PLACEHOLDER_HELP})
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    """One letterhead for the center; without it letters show the default name only."""

    form = LetterheadAdminForm
    list_display = ["name", "telephone", "web_address", "updated_at"]
    readonly_fields = ["logo_preview"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Letterhead.objects.exists()

    @admin.display(description="Current logo")
    def logo_preview(self, obj):
        if not obj.logo:
            return "—"
        return format_html('<img src="{}" alt="" height="48">', obj.logo_data_url)
