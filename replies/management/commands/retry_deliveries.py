from django.core.management.base import BaseCommand

from replies.outbox.deliveries import deliveries_retry_due, tasks_mark_stopped


class Command(BaseCommand):
    help = (
        "Retry failed deliveries whose backoff has passed; enqueue again queued ones no worker picked up; "
        "put deliveries a dead worker left sending into 'outcome unknown' (or retry them when nothing went "
        "out); mark tasks a killed worker left running as failed."
    )

    def handle(self, *args, **options):
        retried, requeued = deliveries_retry_due()
        tasks, exports = tasks_mark_stopped()
        self.stdout.write(f"retried {retried}, re-enqueued {requeued}")
        if tasks or exports:
            self.stdout.write(f"marked failed after a worker stopped: {tasks} task(s), {exports} bulk export(s)")
