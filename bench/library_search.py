"""Median latency of library search and suggest: the full library against a 100-topic one.

    .venv/bin/python bench/library_search.py [--rebuild] [--rounds N]

The full library is all of MedQuAD-GARD (2,685 documents, 5,389 sections), the `gard` topic
list (5,958 diseases) and the example page; the small one is 100 MedQuAD documents. Each is
built once into var/bench/*.sqlite3 (an import takes ~20 s) and measured in its own process.
The queries name topics present in both libraries, so the ratio shows how latency grows.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The whole MedQuAD GARD folder is not in the repository (library/demo has 150 documents).
DATA = Path(os.environ.get("MEDQUAD_DIR", ROOT.parent / "shared/data/medquad-gard"))
EXAMPLE = ROOT / "library/demo/gard-scleromyxedema.txt"
BENCH_DIR = ROOT / "var" / "bench"
SMALL_FILES = 100


def manage(db: Path, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args, "--skip-checks"], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def build(db: Path, full: bool) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    manage(db, "migrate", "--noinput", "-v0")
    files = sorted(DATA.glob("*.xml"))
    if full:
        manage(db, "import_topics")
        manage(db, "import_medquad", str(DATA))
        manage(db, "import_gard", str(EXAMPLE))
    else:
        manage(db, "import_medquad", *[str(f) for f in files[:SMALL_FILES]])


def typo(word: str) -> str:
    """Drop one letter in the middle of the longest word: a typical slip."""
    words = word.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if len(w) >= 6:
        words[longest] = w[: len(w) // 2] + w[len(w) // 2 + 1 :]
    return " ".join(words)


def workload(names: list[str]) -> dict[str, list[str]]:
    return {
        "search_topics": [typo(n) for n in names] + [n.lower() for n in names],
        "search_sections": ["treatment options surgery", "inherited autosomal recessive", "enzyme deficiency liver",
                            "seizures intellectual disability", "skin rash blisters"],
        "suggest": [f"What causes {n} and how is it treated?" for n in names]
        + [f"Hello, my son was told he may have {typo(n)}. Is it inherited, and what should we expect as he "
           f"grows up? We are very worried and would be grateful for any information." for n in names],
    }


def measure(rounds: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from library.models import Section, Topic
    from library.search import search_sections, search_topics
    from library.suggest import suggest

    files = sorted(DATA.glob("*.xml"))[:SMALL_FILES:5]  # 20 topics present in both libraries
    gard_ids = [int(f.read_text(encoding="utf-8").split("/gard/")[1].split("/")[0]) for f in files]
    names = list(Topic.objects.filter(gard_id__in=gard_ids).values_list("name", flat=True))
    functions = {"search_topics": search_topics, "search_sections": search_sections, "suggest": suggest}
    result = {"topics": Topic.objects.count(), "sections": Section.objects.count()}
    for label, queries in workload(names).items():
        function = functions[label]
        for query in queries:  # warm up: the name index is built on first use
            function(query)
        timings = []
        for _ in range(rounds):
            for query in queries:
                start = time.perf_counter()
                function(query)
                timings.append((time.perf_counter() - start) * 1000)
        result[label] = statistics.median(timings)
    return result


def run_measure(db: Path, rounds: int) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    out = subprocess.run([sys.executable, __file__, "--measure", "--rounds", str(rounds)], check=True, env=env,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.rounds)))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    figures = {}
    for label, full in (("small", False), ("full", True)):
        db = BENCH_DIR / f"library_{label}.sqlite3"
        if args.rebuild or not db.exists():
            start = time.perf_counter()
            build(db, full)
            print(f"built the {label} library in {time.perf_counter() - start:.1f} s")
        figures[label] = run_measure(db, args.rounds)
    small, full = figures["small"], figures["full"]
    print(f"full library: {full['topics']} topics, {full['sections']} sections; "
          f"small: {small['topics']} topics, {small['sections']} sections")
    for label in ("search_topics", "search_sections", "suggest"):
        ratio = full[label] / small[label] if small[label] else float("nan")
        print(f"{label:16} median {full[label]:6.2f} ms (100 topics: {small[label]:6.2f} ms)  ratio {ratio:4.2f}")


if __name__ == "__main__":
    main()
