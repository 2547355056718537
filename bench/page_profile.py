"""CPU time and SQL queries of one desk page, in process (no server, no load generator), so the
figure hardly depends on what else the machine is doing. Use on a database seeded by
bench/serve.py (it leaves one behind):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/replydesk_bench \\
        .venv/bin/python bench/page_profile.py queue composer [--repeat 50] [--profile 25]

As served in production add DEBUG=0 SECRET_KEY=... REDIS_URL=... STATIC_ROOT=<collected>
SECURE_SSL_REDIRECT=0 (ALLOWED_HOSTS is set to the test client's "testserver").

Pages: queue (/desk/inquiries/) and composer (the first reply in drafting). Prints the median
CPU milliseconds per request and the query count; --profile N also prints the N functions with
the most cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")  # one log line per request is not what is measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", choices=["queue", "composer"])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a profile")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from replies.models import Reply

    client = Client()
    client.force_login(User.objects.get(username="specialist"))
    reply = Reply.objects.filter(status="drafting").order_by("pk").first()
    paths = {"queue": "/desk/inquiries/", "composer": reply.get_absolute_url() if reply else None}
    for name in args.pages:
        path = paths[name]
        assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        count = len(queries)  # read now: each request empties the connection's query log
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            client.get(path)
            times.append((time.process_time() - start) * 1000)
        print(f"{name:9} {path:28} CPU {statistics.median(times):6.1f} ms/req (median of {args.repeat})  "
              f"{count} queries")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
