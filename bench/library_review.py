"""Median time of the editors' review list (unknown and stale dates; oldest or most-used first)
over all of MedQuAD-GARD (5,389 sections, every date unknown after the import).

    .venv/bin/python bench/library_review.py [--rebuild] [--rounds N]

The library is built once into var/bench/review.sqlite3 (an import takes ~20 s); then the page's
two queries (the count and the first page of 50) are timed in both orders, and the whole page as
a library editor sees it.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MEDQUAD_DIR", ROOT.parent / "shared/data/medquad-gard"))
DB = ROOT / "var" / "bench" / "review.sqlite3"


def build() -> None:
    DB.parent.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}"}
    for args in (["migrate", "--noinput", "-v0"], ["import_medquad", str(DATA)]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL)


def median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(rounds: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")  # one log line per request is not what is measured
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.paginator import Paginator
    from django.test import Client

    from lib import roles
    from library.models import Section, needs_review_q
    from library.views import REVIEW_ORDERS, REVIEW_PAGE_SIZE

    listed = Section.objects.filter(needs_review_q(), status=Section.Status.PUBLISHED)
    print(f"sections: {Section.objects.count()}, to review: {listed.count()}")
    for order, fields in REVIEW_ORDERS.items():
        def page(fields=fields):
            return list(Paginator(listed.select_related("topic").order_by(*fields), REVIEW_PAGE_SIZE).get_page(1))
        print(f"review list, {order} first (count + page of {REVIEW_PAGE_SIZE}): {median_ms(page, rounds):.1f} ms")
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get_or_create(name=roles.LIBRARY_EDITOR)[0])
    client = Client()
    client.force_login(editor)
    print(f"review page, as an editor sees it: {median_ms(lambda: client.get('/desk/library/review/'), rounds):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if args.rebuild or not DB.exists():
        build()
    measure(args.rounds)


if __name__ == "__main__":
    main()
