"""A task that does nothing, for the health and log tests (tasks must live in a module)."""

from lib.tracing import task


@task()
def nothing() -> None:
    return None
