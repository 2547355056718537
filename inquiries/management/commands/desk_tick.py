from django.core.management.base import BaseCommand

from inquiries.deadlines import desk_tick


class Command(BaseCommand):
    help = (
        "Warn assignees before due dates, escalate overdue inquiries to supervisors, remind requesters "
        "we wait on and close those who never answer. Run from cron (every few minutes); safe to repeat."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(desk_tick()))
