"""How well `suggest` reads what a question asks, and how fast it is.

    .venv/bin/python bench/suggest_quality.py [--questions FILE] [--rebuild] [--baseline-root DIR]

Kinds: top-1 and top-2 accuracy with the rules only and with rules plus the model, on
- the MedQuAD questions held out from training (one document in five, train_kinds.is_held_out):
  templated, so they overestimate real accuracy;
- bench/data/consumer_questions.txt: realistic questions written by hand, never trained on.
A question counts as right when the kind is among the kinds it asks for. "as shown" is the
`kinds` list suggest returns (what the desk shows); "ranked" is the model's full ranking.

Speed, on the full library (var/bench/library_full.sqlite3, built as bench/library_search.py
does): the median of suggest() over its workload, and `manage.py suggest --file` on 1,000
questions (with --baseline-root, the same file through another checkout, e.g. main, to compare).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import library_search  # noqa: E402 (bench/ is not a package)

QUESTIONS = Path(
    os.environ.get("MEDQUAD_QUESTIONS", ROOT.parent / "shared/data/question-types/medquad_questions.jsonl")
)
CONSUMER = ROOT / "bench" / "data" / "consumer_questions.txt"
FULL_DB = library_search.BENCH_DIR / "library_full.sqlite3"
FILE_QUESTIONS = 1000


def consumer_questions() -> list[tuple[str, list[str]]]:
    rows = []
    for line in CONSUMER.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kinds, question = line.split("\t")
            rows.append((question, kinds.split("|")))
    return rows


def held_out(path: Path) -> list[tuple[str, list[str]]]:
    from library.training.train_kinds import is_held_out, medquad_questions

    return [(q, [k]) for q, k, doc in medquad_questions(path) if is_held_out(doc)]


def accuracy(rows: list[tuple[str, list[str]]], use_model: bool) -> dict:
    from library.kinds import asked_kinds, ranked_kinds

    shown1 = shown2 = ranked1 = ranked2 = overview_only = 0
    for question, gold in rows:
        shown = asked_kinds(question, use_model)
        ranked = [kind for kind, _ in ranked_kinds(question, use_model)]
        shown1 += shown[0] in gold
        shown2 += bool(set(shown[:2]) & set(gold))
        ranked1 += ranked[0] in gold
        ranked2 += bool(set(ranked[:2]) & set(gold))
        overview_only += shown == ["overview"]
    n = len(rows)
    return {"n": n, "shown_top1": shown1 / n, "shown_top2": shown2 / n, "ranked_top1": ranked1 / n,
            "ranked_top2": ranked2 / n, "overview_only": overview_only / n}


def quality(questions: Path) -> None:
    from library.kind_model import kind_model

    start = time.perf_counter()
    kind_model().ranked("warm up")
    print(f"model: {kind_model.__module__} loaded in {(time.perf_counter() - start) * 1000:.0f} ms "
          "(with WordLlama's embeddings)")
    sets = {"consumer (hand-written)": consumer_questions()}
    if questions.exists():
        sets["MedQuAD held out"] = held_out(questions)
    print(f"{'set':26} {'kinds by':12} {'n':>5} {'top-1':>6} {'top-2':>6} {'ranked top-1/top-2':>19}"
          f" {'overview only':>13}")
    for label, rows in sets.items():
        for use_model in (False, True):
            start = time.perf_counter()
            r = accuracy(rows, use_model)
            per = (time.perf_counter() - start) * 1000 / len(rows)
            print(f"{label:26} {'rules+model' if use_model else 'rules only':12} {r['n']:5} {r['shown_top1']:6.3f} "
                  f"{r['shown_top2']:6.3f} {r['ranked_top1']:9.3f}/{r['ranked_top2']:.3f} {r['overview_only']:13.3f}"
                  f"   ({per:.2f} ms a question)")


def file_questions(names: list[str]) -> list[str]:
    templates = ["What causes {} and how is it treated?", "Is {} inherited? Could my children get it?",
                 "My daughter was diagnosed with {}. Is there anything that could help her?",
                 "How common is {} and what is the life expectancy?"]
    return [templates[i % len(templates)].format(names[i % len(names)]) for i in range(FILE_QUESTIONS)]


def time_file(root: Path, db: Path, path: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of `manage.py suggest --file` in that checkout.

    The CPU time is the steadier figure on a shared machine."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(root / "manage.py"), "suggest", "--file", str(path), "--json"], check=True,
                   env=env, cwd=root, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_suggest(rounds: int) -> dict:
    from library.models import Topic
    from library.suggest import suggest

    names = sorted(Topic.objects.filter(sections__isnull=False).distinct().values_list("name", flat=True))[::10]
    queries = library_search.workload(names[:20])["suggest"]
    for query in queries:
        suggest(query)
    timings = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            suggest(query)
            timings.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(timings), "names": names}


def speed(rounds: int, rebuild: bool, baseline: Path | None) -> None:
    if rebuild or not FULL_DB.exists():
        FULL_DB.parent.mkdir(parents=True, exist_ok=True)
        library_search.build(FULL_DB, True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{FULL_DB}"}
    out = subprocess.run([sys.executable, __file__, "--measure", "--rounds", str(rounds)], check=True, env=env,
                         capture_output=True, text=True, cwd=ROOT).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"suggest median over the full library: {figures['median_ms']:.2f} ms")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as handle:
        handle.write("\n".join(file_questions(figures["names"])) + "\n")
        handle.flush()
        wall, cpu = time_file(ROOT, FULL_DB, Path(handle.name))
        print(f"suggest --file, {FILE_QUESTIONS} questions: {wall:.1f} s wall-clock, {cpu:.1f} s CPU")
        if baseline:
            base_wall, base_cpu = time_file(baseline, baseline / "var" / "bench" / "library_full.sqlite3",
                                            Path(handle.name))
            print(f"  the same through {baseline}: {base_wall:.1f} s wall-clock, {base_cpu:.1f} s CPU "
                  f"(ratio {wall / base_wall:.2f} wall-clock, {cpu / base_cpu:.2f} CPU)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="medquad_questions.jsonl")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-root", type=Path, help="another checkout with var/bench/library_full.sqlite3")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if args.measure:
        print(json.dumps(measure_suggest(args.rounds)))
        return
    quality(args.questions)
    if not args.skip_speed:
        speed(args.rounds, args.rebuild, args.baseline_root)


if __name__ == "__main__":
    main()
