"""A wall-clock limit for a block of slow work (PDF layout) in a worker's main thread."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The block ran past its limit and was interrupted; whatever it was making is discarded."""


@contextmanager
def time_limit(seconds: float, what: str = "The work") -> Iterator[None]:
    """Raise TimeLimitExceeded inside the block once `seconds` have passed.

    A timer signal interrupts the block wherever it is, so a task cannot hold its worker
    for ever. Signals reach only the main thread: elsewhere (a threaded development server)
    the block runs without a limit. Task workers (db_worker), the PDF pool's processes and
    gunicorn's sync workers run their work in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    fired = False

    def expire(signum, frame):
        nonlocal fired
        fired = True
        raise TimeLimitExceeded(message)

    message = f"{what} took longer than {seconds:g} seconds and was stopped."
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        # The signal came while Python ran a finaliser or a __del__, which prints and drops the
        # exception, so the block ran on to its end: its result is late and is discarded too.
        raise TimeLimitExceeded(message)
