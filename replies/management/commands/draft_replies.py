"""Draft a reply for every inquiry in a status that has none yet, so the morning queue starts
from suggestions. Safe to run again: an inquiry that has a reply is left alone."""

from django.core.management.base import BaseCommand
from django.db import transaction

from inquiries.models import Inquiry
from replies.composer.services import reply_start

from .draft_reply import author_for, parse_sections


class Command(BaseCommand):
    help = "Create a draft reply for every inquiry in --status that has no reply yet."

    def add_arguments(self, parser):
        parser.add_argument("--status", default=Inquiry.Status.NEW, choices=Inquiry.Status.values)
        parser.add_argument("--sections", default="auto", help="auto | all | none | KIND,KIND,...")
        parser.add_argument("--by", help="username of the author (default: each inquiry's assignee)")

    def handle(self, *args, status, sections, by, **options):
        choice = parse_sections(sections)
        if by:
            author_for(Inquiry(), by)  # fail early on an unknown user
        pending = Inquiry.objects.filter(status=status, replies__isnull=True).order_by("pk")
        drafted = 0
        for inquiry_id in pending.values_list("pk", flat=True):
            drafted += self.draft(inquiry_id, status, choice, by)
        self.stdout.write(f"drafted {drafted} repl{'y' if drafted == 1 else 'ies'}")

    def draft(self, inquiry_id: int, status: str, choice, by: str | None) -> int:
        with transaction.atomic():
            # Locked and checked again: two runs at once must not draft the same inquiry twice.
            inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id, status=status).first()
            if inquiry is None or inquiry.replies.exists():
                return 0
            reply = reply_start(inquiry=inquiry, by=author_for(inquiry, by), sections=choice)
        self.stdout.write(f"{inquiry.reference}: reply {reply.pk}")
        return 1
