from django.core.management.base import BaseCommand

from replies.outbox.deliveries import deliveries_retry_due


class Command(BaseCommand):
    help = "Retry failed deliveries whose backoff has passed; enqueue again queued ones no worker picked up."

    def handle(self, *args, **options):
        retried, requeued = deliveries_retry_due()
        self.stdout.write(f"retried {retried}, re-enqueued {requeued}")
