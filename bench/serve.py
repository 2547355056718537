"""Throughput under gunicorn: requests per second and p95 for the public form, the queue and
the composer, served as in production (DEBUG=0, WhiteNoise, Redis cache) from PostgreSQL.

    .venv/bin/python bench/serve.py [--database-url postgres://postgres@127.0.0.1:5432/replydesk_bench]
                                    [--requests 2000] [--concurrency 8] [--workers 4] [--seconds 600]

The database named by --database-url is dropped and created anew, then migrated and seeded
(seed_demo, plus --inquiries more for a queue with pages to fill). gunicorn listens on
loopback only. Each page gets --requests GETs from --concurrency threads, each phase stopped
after --seconds. The load generator shares the machine's cores with the server: figures are
for comparison between runs on the same machine, not absolute. "app CPU" is the CPU time the
gunicorn processes spent per request: unlike req/s it hardly changes with other load on the
machine (the database server's CPU is not in it).
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("replydesk_") or name in ("replydesk", "replydesk_ci"):
        sys.exit(f"Refusing to drop {name!r}: name a database of its own, e.g. replydesk_bench.")
    admin = dict(host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


SETUP = """
import datetime as dt, random
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from inquiries.models import Inquiry, Requester
from replies.models import Reply

rng = random.Random(7)
n = {inquiries}
requesters = Requester.objects.bulk_create(
    [Requester(name=f"Requester {{i}}", email=f"r{{i}}@example.org") for i in range(n)])
today = dt.date.today()
Inquiry.objects.bulk_create([
    Inquiry(reference=f"B-{{i:06d}}", requester=r, question="What causes this condition? " * rng.randint(1, 8),
            status=rng.choice(["new", "new", "assigned", "waiting", "closed"]),
            due_date=today + dt.timedelta(days=rng.randint(-5, 15)))
    for i, r in enumerate(requesters)])
user = User.objects.get(username="specialist")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
reply = Reply.objects.filter(status="drafting").order_by("pk").first()
print(session.session_key, reply.get_absolute_url())
"""


def tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and all its descendants, those already ended included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, children = 0, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append((int(stat.parent.name), fields))
    stack = [(root, None)]
    while stack:
        pid, fields = stack.pop()
        if fields is not None:
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
        stack.extend(children.get(pid, []))
    own = Path(f"/proc/{root}/stat").read_text().rsplit(")", 1)[1].split()
    return (total + sum(int(x) for x in own[11:15])) / ticks


def load(port: int, path: str, cookie: str, requests: int, concurrency: int, seconds: float) -> dict:
    """GET `path` `requests` times from `concurrency` threads; latencies of the 200s, errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    remaining = iter(range(requests))
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie, "Host": "127.0.0.1"} if cookie else {"Host": "127.0.0.1"}

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    return
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                outcome = None if response.status == 200 else f"HTTP {response.status}"
            except OSError as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                (errors.append(outcome) if outcome else latencies.append(elapsed))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    done = len(latencies) + len(errors)
    return {
        "done": done,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "rps": done / wall,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 20 else 0,
        "timed_out": done < requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/replydesk_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--inquiries", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=600, help="time limit of each page's phase")
    parser.add_argument("--pages", default="ask,queue,composer")
    args = parser.parse_args()

    recreate_database(args.database_url)
    port = free_port()
    static = tempfile.mkdtemp(prefix="replydesk-bench-static-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": args.redis_url,
        "DATABASE_URL": args.database_url,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": static,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "REQUEST_LOG_LEVEL": "WARNING",
        "INQUIRY_RATE_LIMIT_PER_HOUR": "1000000",
    }
    print("Preparing: migrate, seed_demo, collectstatic ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    session_key, composer = manage(env, "shell", "--no-imports", "-c", SETUP.format(inquiries=args.inquiries)).split()
    subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], check=False, capture_output=True)
    pages = {
        "ask": ("/ask/", ""),
        "queue": ("/desk/inquiries/", f"sessionid={session_key}"),
        "composer": (composer, f"sessionid={session_key}"),
    }

    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--config", "config/gunicorn.py", "config.wsgi"], cwd=BASE_DIR, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {args.requests} requests per page, "
              f"{args.concurrency} concurrent; {os.cpu_count()} cores shared with the load generator")
        failed = False
        for name in args.pages.split(","):
            path, cookie = pages[name]
            load(port, path, cookie, args.workers * 10, args.concurrency, 60)  # warm every worker
            cpu = tree_cpu_seconds(server.pid)
            r = load(port, path, cookie, args.requests, args.concurrency, args.seconds)
            cpu_ms = (tree_cpu_seconds(server.pid) - cpu) * 1000 / max(r["done"], 1)
            print(f"  {name:<9} {path:<22} {r['rps']:6.1f} req/s  p50 {r['p50']:6.0f} ms  p95 {r['p95']:6.0f} ms  "
                  f"app CPU {cpu_ms:5.1f} ms/req  "
                  f"{r['done']} done, {r['errors']} errors {' '.join(r['error_kinds'])}"
                  f"{'  STOPPED at the time limit' if r['timed_out'] else ''}", flush=True)
            failed |= bool(r["errors"]) or r["timed_out"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
