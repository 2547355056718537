"""Background work for replies, run by the task backend (django-tasks).

Development: the immediate backend runs each task at once, in the process that enqueues it.
Production: TASK_BACKEND=django_tasks_db.DatabaseBackend and `manage.py db_worker`; tasks are
rows in the database, so any app process may enqueue and any worker may run them.
"""

from lib.tracing import task


@task()
def send_delivery(delivery_id: int) -> None:
    """Send one queued delivery (a no-op when another worker claimed it first)."""
    from .sending import delivery_send

    delivery_send(delivery_id=delivery_id)


@task()
def render_bulk_export(export_id: int) -> None:
    """Render the PDFs of a bulk export into one ZIP, updating its progress as it goes."""
    from .bulk_render import bulk_export_run

    bulk_export_run(export_id=export_id)
