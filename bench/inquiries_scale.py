"""Scale check for the inquiries desk.

Loads 1,000 and then 100,000 inquiries with `import_inquiries` into separate SQLite files
under var/ (never the development database), prints how long the import took, then the
median latency and the SQL query count of the dashboard (/desk/) and the queue
(/desk/inquiries/) at each size.

    .venv/bin/python bench/inquiries_scale.py [--sizes 1000,100000] [--repeat 15]

Aim: the same query count at both sizes, a latency ratio under 1.5, the dashboard under
150 ms at 100,000. "warm" is the usual request; "cold" empties the cache first, so the
dashboard also recomputes its history part (finished counts, chart, turnaround), which it
otherwise keeps for two minutes.
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
PAGES = {"dashboard": "/desk/", "queue": "/desk/inquiries/"}
TOPICS = 300


def write_csv(path: Path, n: int, topic_names: list[str], seed: int = 4) -> None:
    """n inquiries received over the last three years; older ones mostly answered."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "email", "question", "received_at", "channel", "topic", "status", "sent_at"])
        for i in range(n):
            age = dt.timedelta(days=rng.random() * 3 * 365)
            received = now - age
            status, sent = "new", ""
            if age > dt.timedelta(days=20):  # old: answered or closed, a few still waiting
                status = rng.choices(["closed", "sent", "closed_no_reply", "waiting"], [70, 15, 13, 2])[0]
            elif rng.random() < 0.5:
                status = rng.choice(["sent", "closed", "waiting"])
            if status in ("closed", "sent"):
                sent_at = min(received + dt.timedelta(days=rng.uniform(0.5, 20)), now)
                sent = sent_at.isoformat()
            topic = rng.choice(topic_names) if rng.random() < 0.6 else ""
            writer.writerow(
                [
                    f"Requester {i % 60000}",
                    f"r{i % 60000}@example.org",
                    f"Question {i}: what causes this condition and how is it treated? "
                    + "Some detail. " * rng.randint(1, 20),
                    received.isoformat(),
                    rng.choice(["web", "web", "email", "phone", "letter"]),
                    topic,
                    status,
                    sent,
                ]
            )


def _median_ms(client, url: str, repeat: int, before=None) -> float:
    timings = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


def measure(client, url: str, repeat: int) -> dict:
    """Median latency and query count, warm (the usual case) and cold (empty cache)."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm caches (templates, SQLite pages)
        assert client.get(url).status_code == 200
    result = {}
    for state, before in (("warm", None), ("cold", cache.clear)):
        if before:
            before()
        reset_queries()  # each request resets the log; start the capture from an empty one
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        result[state] = (_median_ms(client, url, repeat, before), len(queries))
    return result


def load_inquiries(n: int, name: str) -> float:
    """Migrate, create the bench topics and import n inquiries through import_inquiries; its seconds."""
    from django.core.management import call_command

    from library.models import Topic

    call_command("migrate", verbosity=0)
    Topic.objects.bulk_create([Topic(name=f"Bench condition {i}") for i in range(TOPICS)])
    path = VAR / f"{name}.csv"
    write_csv(path, n, [f"Bench condition {i}" for i in range(TOPICS)])
    start = time.perf_counter()
    call_command("import_inquiries", str(path), stdout=io.StringIO())
    seconds = time.perf_counter() - start
    path.unlink()
    return seconds


def run_size(n: int, repeat: int) -> dict:
    """In a child process whose DATABASE_URL points at its own SQLite file."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from inquiries.models import Inquiry
    from lib import roles

    import_seconds = load_inquiries(n, f"bench_inquiries_{n}")

    user = User.objects.create_user("bench", "bench@example.org", "x")
    user.groups.add(Group.objects.get(name=roles.SPECIALIST))
    # Give the bench user a share of the open work so "my open inquiries" has rows.
    open_ids = list(Inquiry.objects.filter(status="new").values_list("pk", flat=True)[: max(n // 100, 5)])
    Inquiry.objects.filter(pk__in=open_ids).update(assignee=user, status="assigned")

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    result = {"n": Inquiry.objects.count(), "import_seconds": import_seconds}
    for name, url in PAGES.items():
        result[name] = measure(client, url, repeat)
    return result


def run_child(script: str, name: str, n: int, repeat: int) -> dict:
    """Run `script --child n` on a fresh SQLite file var/NAME.sqlite3; what it printed last, as JSON."""
    VAR.mkdir(exist_ok=True)
    db = VAR / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, script, "--child", str(n), "--repeat", str(repeat)],
        env=env, cwd=BASE_DIR, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def runs_per_size(doc: str, script: str, name: str, run_size, repeat: int) -> Iterator[dict]:
    """The command line of a scale bench. As the parent: run each of --sizes in a child process on
    a fresh SQLite file and yield what it measured. As that child (--child N): print run_size(N)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.repeat)))
        return
    for n in [int(s) for s in args.sizes.split(",")]:
        yield run_child(script, f"{name}_{n}", n, args.repeat)


def main() -> None:
    results = []
    for result in runs_per_size(__doc__, __file__, "bench_inquiries", run_size, repeat=15):
        results.append(result)
        print(
            f"{result['n']:>7} inquiries: import_inquiries took {result['import_seconds']:.1f} s "
            f"({result['n'] / result['import_seconds']:.0f} rows/s)"
        )
        for name in PAGES:
            for state in ("warm", "cold"):
                median, count = result[name][state]
                print(f"         {name:<9} {state}: median {median:7.1f} ms, {count} queries")

    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(f"\n{large['n']} vs {small['n']}:")
        for name in PAGES:
            for state in ("warm", "cold"):
                ratio = large[name][state][0] / small[name][state][0]
                same = "same" if large[name][state][1] == small[name][state][1] else "DIFFERENT"
                print(f"  {name:<9} {state}: latency ratio {ratio:.2f} (aim < 1.5), query count {same}")
        for state in ("warm", "cold"):
            ms = large["dashboard"][state][0]
            print(
                f"  dashboard {state} at {large['n']}: {ms:.1f} ms (aim < 150 ms): {'OK' if ms < 150 else 'too slow'}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
