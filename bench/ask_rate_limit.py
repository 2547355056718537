"""How many of N simultaneous public-form posts from one address get a rate-limit slot.

    .venv/bin/python bench/ask_rate_limit.py [--redis redis://127.0.0.1:6379/11] [--posts 16] [--processes 4]

The probe sent 16 posts at once from 4 processes against a limit of 5 and got 9-11 through
(check, then increment). Each process here claims posts/processes slots at a barrier, on the
real cache: Redis when --redis is given, else a database cache in a temporary SQLite file.
Prints the limit, the posts, and how many got through (it should equal the limit).
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(redis_url: str, db_file: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    import django
    from django.conf import settings

    django.setup()
    if redis_url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bench_rate_cache"}
    settings.CACHES = {"default": backend}


def worker(redis_url: str, db_file: str, claims: int, barrier, results) -> None:
    setup(redis_url, db_file)
    from django.test import RequestFactory

    from inquiries.views_public import rate_slot_take

    request = RequestFactory().post("/ask/", REMOTE_ADDR="192.0.2.77")
    barrier.wait()
    results.put(sum(rate_slot_take(request) is not None for _ in range(claims)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", default="")
    parser.add_argument("--posts", type=int, default=16)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    db_file = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    setup(args.redis, db_file)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    if not args.redis:
        call_command("createcachetable", verbosity=0)
    cache.clear()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(args.processes), context.Queue()
    claims = args.posts // args.processes
    procs = [context.Process(target=worker, args=(args.redis, db_file, claims, barrier, results))
             for _ in range(args.processes)]
    for proc in procs:
        proc.start()
    through = sum(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join()
    cache.clear()
    where = args.redis or "database cache (SQLite file)"
    print(f"cache: {where}")
    print(f"limit {settings.INQUIRY_RATE_LIMIT_PER_HOUR}, posts {claims * args.processes} "
          f"from {args.processes} processes, got through: {through}")


if __name__ == "__main__":
    main()
