"""Probe finding 6 (a, c): the public rate limit could be exceeded.

(a) Check and increment were separate steps: 16 simultaneous posts from one address got 9-11
through a limit of 5 on Redis with 4 processes. Now a post claims a slot first and then decides;
simultaneous claims from several processes (real Redis) and threads (the database and the
in-process cache) get exactly the limit. (c) The signed start token is accepted once.
"""

import multiprocessing
import queue
import threading

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections
from django.test import RequestFactory

from inquiries.views_public import rate_slot_take

REDIS_URL = "redis://127.0.0.1:6379/11"
LIMIT = 5
POSTS = 16


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def claim(barrier, results) -> None:
    request = RequestFactory().post("/ask/", REMOTE_ADDR="192.0.2.10")
    barrier.wait()
    results.put(rate_slot_take(request) is not None)


def claim_in_thread(barrier, results) -> None:
    try:
        claim(barrier, results)
    finally:
        connections.close_all()  # this thread's own (database cache) connection


FORK = multiprocessing.get_context("fork")


def claim_at_once(count: int, *, processes: bool) -> int:
    """`count` simultaneous claims from one address, each in its own process or thread."""
    results = FORK.Queue() if processes else queue.Queue()
    barrier = FORK.Barrier(count) if processes else threading.Barrier(count)
    start = FORK.Process if processes else threading.Thread
    workers = [start(target=claim if processes else claim_in_thread, args=(barrier, results)) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return sum(results.get(timeout=5) for _ in range(count))


@pytest.fixture
def limit(settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = LIMIT


@pytest.mark.skipif(not redis_answers(), reason="needs Redis at 127.0.0.1:6379")
def test_it_lets_exactly_the_limit_through_on_redis_from_several_processes(settings, limit):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    caches["default"].clear()
    try:
        assert claim_at_once(POSTS, processes=True) == LIMIT
        assert claim_at_once(POSTS, processes=True) == 0  # the hour's slots stay taken
    finally:
        caches["default"].clear()


def test_it_lets_exactly_the_limit_through_on_the_in_process_cache(settings, limit):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "rate-limit-probe"}}
    caches["default"].clear()
    assert claim_at_once(POSTS, processes=False) == LIMIT


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database answers 'table locked' at once instead of waiting its turn",
)
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_the_limit_through_on_the_database_cache(settings, limit):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "rate_limit_probe_cache"}}
    call_command("createcachetable")
    caches["default"].clear()
    assert claim_at_once(POSTS, processes=False) == LIMIT
