"""Letter export benchmark: `.venv/bin/python bench/delivery_export.py [--quick]`.

Prints:
1. the median time to export the example letter as PDF through the application (database
   reads, assembly, template, WeasyPrint) against WeasyPrint alone rendering the same HTML
   with the same options and the same embedded fonts in the same process (aim: ratio <= 1.10);
   also what PDF/A-2a (archival and tagged) costs against a plain PDF;
2. the export of a 10-page letter;
3. bulk export throughput with 1 and with 2 worker processes (aim: >= 1.8x with 2);
4. RSS growth over 400 letters exported in one process (aim: < 10 MiB).

It works in a throw-away SQLite database under a temporary directory, never in var/.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="replydesk-bench-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{TMP}/bench.sqlite3",
        "VAR_DIR": TMP,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
settings.DEBUG = False  # no query log growing in memory (set after start-up: DEBUG=0 would require production settings)

from datetime import timedelta  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from inquiries.models import Inquiry, Requester  # noqa: E402
from library.models import Topic  # noqa: E402
from replies.composer.services import reply_start  # noqa: E402
from replies.letter import pdf  # noqa: E402
from replies.letter.assembly import assemble_letter  # noqa: E402
from replies.letter.exports import export_reply  # noqa: E402
from replies.models import Reply, ReplyBlock  # noqa: E402
from replies.outbox import bulk_render as bulk  # noqa: E402

EXAMPLE = ROOT / "library/demo/gard-scleromyxedema.txt"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def setup(letters: int) -> tuple[list[Reply], Reply]:
    call_command("migrate", verbosity=0)
    call_command("import_gard", str(EXAMPLE), stdout=open(os.devnull, "w"))  # noqa: SIM115
    topic = Topic.objects.get(name="Scleromyxedema")
    user = User.objects.create_user("bench")
    replies = []
    for n in range(letters):
        requester = Requester.objects.create(
            name=f"Requester {n}", email=f"r{n}@example.org", postal_address="12 Elm Street\nSpringfield, IL 62704"
        )
        inquiry = Inquiry.objects.create(
            reference=f"B-{n:05d}",
            requester=requester,
            question="What causes scleromyxedema and how is it treated?",
            status=Inquiry.Status.ASSIGNED,
            due_date=timezone.localdate() + timedelta(days=10),
        )
        inquiry.topics.set([topic])
        reply = reply_start(inquiry=inquiry, by=user, sections="all")
        Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED)
        replies.append(reply)
    long_reply = replies[-1]
    sections = list(long_reply.blocks.filter(kind=ReplyBlock.Kind.SECTION))
    copies = [
        ReplyBlock(
            reply=long_reply,
            position=100 + i,
            kind=b.kind,
            section=b.section,
            heading=b.heading,
            body=b.body,
            last_updated=b.last_updated,
        )
        for i, b in enumerate(sections * 7)
    ]
    ReplyBlock.objects.bulk_create(copies)
    return replies[:-1], Reply.objects.get(pk=long_reply.pk)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def wall_and_cpu_ms(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def compare_app_and_weasyprint(reply: Reply, runs: int) -> None:
    html = pdf.letter_document(assemble_letter(reply), postal=True)  # what export_reply(..., "pdf") renders

    def app():
        export_reply(Reply.objects.get(pk=reply.pk), "pdf")

    def alone(**options):
        fonts = [pdf.font_stylesheet()]  # the letter's embedded fonts, loaded once per process as the app does
        return lambda: HTML(string=html, base_url=pdf.BASE_URL).write_pdf(
            stylesheets=fonts, font_config=pdf.font_config(), **options
        )

    app()
    alone()()  # warm both paths
    # Interleaved, so that load from elsewhere hits all alike; CPU time as well as wall time,
    # because on a busy machine the wall time mostly measures the other processes.
    runs_of = {name: ([], []) for name in ("app", "raw", "ua", "plain")}
    for _ in range(runs):
        for name, fn in [
            ("app", app),
            ("raw", alone(**pdf.PDF_OPTIONS)),
            ("ua", alone(pdf_variant="pdf/ua-1")),
            ("plain", alone()),
        ]:
            wall_ms, cpu_ms = wall_and_cpu_ms(fn)
            runs_of[name][0].append(wall_ms)
            runs_of[name][1].append(cpu_ms)
    wall = {name: statistics.median(times[0]) for name, times in runs_of.items()}
    cpu = {name: statistics.median(times[1]) for name, times in runs_of.items()}
    app_ms, raw_ms, ua_ms, plain_ms = (cpu[name] for name in ("app", "raw", "ua", "plain"))
    print(f"example letter, median of {runs} runs each")
    print(f"example letter, application export (PDF/A): {wall['app']:7.1f} ms wall, {app_ms:6.1f} ms CPU")
    print(f"example letter, WeasyPrint alone, same HTML: {wall['raw']:7.1f} ms wall, {raw_ms:6.1f} ms CPU")
    ratio_wall, ratio_cpu = wall["app"] / wall["raw"], app_ms / raw_ms
    print(f"  ratio application / WeasyPrint:            {ratio_wall:7.2f} wall, {ratio_cpu:6.2f} CPU  (aim <= 1.10)")
    print(f"  WeasyPrint, plain PDF (no tags, no PDF/A): {plain_ms:7.1f} ms CPU")
    print(f"  -> tagging (pdf/ua-1) costs {ua_ms / plain_ms - 1:+.0%}, PDF/A-2a with tags {raw_ms / plain_ms - 1:+.0%}")


def ten_pages(reply: Reply, runs: int) -> None:
    data = export_reply(reply, "pdf")
    pages = len(PdfReader(io.BytesIO(data)).pages)
    ms = median_ms(lambda: export_reply(Reply.objects.get(pk=reply.pk), "pdf"), runs)
    size = len(data) // 1024
    print(f"long letter ({pages} pages), application export:    {ms:7.1f} ms (median of {runs}), {size} KiB")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(ids: list[int], rounds: int) -> None:
    """Best of `rounds`, interleaved: the machine is shared, and the best run is the least disturbed.
    The CPU time per letter (this process plus the pool's) shows what the pool itself costs."""
    bulk.build_zip(ids[: bulk.POOL_MIN_LETTERS], workers=2)  # start and warm the pool's processes
    pids = [os.getpid(), *bulk.render_pool(2)._processes]  # private, but this is a benchmark
    results, cpu = {1: 0.0, 2: 0.0}, {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            start = time.perf_counter()
            bulk.build_zip(ids, workers=workers)
            results[workers] = max(results[workers], len(ids) / (time.perf_counter() - start))
            cpu[workers].append((sum(cpu_seconds(pid) for pid in pids) - cpu_before) / len(ids) * 1000)
    one, two = (statistics.median(cpu[w]) for w in (1, 2))
    print(f"bulk export of {len(ids)} letters, 1 process:        {results[1]:7.1f} letters/s (best of {rounds})")
    print(f"bulk export of {len(ids)} letters, 2 processes:      {results[2]:7.1f} letters/s")
    print(f"  speed-up with 2:                             {results[2] / results[1]:7.2f}x  (aim >= 1.8x)")
    overhead = two / one - 1
    print(f"  CPU per letter, 1 process / 2 processes:     {one:5.0f} / {two:.0f} ms (pool overhead {overhead:+.0%})")
    print(f"  load average while measuring:                {os.getloadavg()[0]:7.2f}  (other work on the machine)")


def memory(reply: Reply, letters: int) -> None:
    for _ in range(20):  # settle caches first
        export_reply(Reply.objects.get(pk=reply.pk), "pdf")
    before = rss_mib()
    for _ in range(letters):
        export_reply(Reply.objects.get(pk=reply.pk), "pdf")
    after = rss_mib()
    print(f"RSS over {letters} letters: {before:.1f} -> {after:.1f} MiB, growth {after - before:+.1f} MiB  (aim < 10)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs and letters")
    args = parser.parse_args()
    runs, bulk_letters, memory_letters = (5, 16, 40) if args.quick else (15, 40, 400)
    print(f"CPUs: {os.cpu_count()}, WeasyPrint {__import__('weasyprint').__version__}, page size {pdf.page_size()}")
    replies, long_reply = setup(bulk_letters)
    pdf.warm_up()
    compare_app_and_weasyprint(replies[0], runs)
    ten_pages(long_reply, max(3, runs // 3))
    throughput([reply.pk for reply in replies], rounds=2 if args.quick else 5)
    memory(replies[0], memory_letters)


if __name__ == "__main__":
    main()
