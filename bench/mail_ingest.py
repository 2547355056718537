"""Messages per second through import_mail: 1,000 messages from one mbox file.

    .venv/bin/python bench/mail_ingest.py [--messages 1000]

Runs on its own SQLite file (var/bench/mail_ingest.sqlite3, rebuilt each time) with the demo
library (the example letter and the MedQuAD sample in library/demo), so topic suggestions run
as they do on a real desk. The mbox holds what a desk's inbox holds: questions from new
requesters (70 %), answers that quote our reference (15 %), out-of-office replies (10 %) and
questions with a PDF attached (5 %). As in production, acknowledgements are queued in the
database task backend for the worker (`db_worker`), which this bench does not run.

Aim: the import costs less per message than the suggestion step it runs for each question,
so taking mail in is never the slow part. The script prints both. The suggestion step is timed
where the import runs it (a timer around inquiries.services.suggest, the call inquiry_create
makes), so what is left is exactly the import's own work; it is also timed alone, on the same
texts, for comparison (alone it runs faster: warm caches, no import work in between).
"""

import argparse
import io
import mailbox
import os
import random
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DB = BENCH_DIR / "mail_ingest.sqlite3"
QUESTIONS = [
    "What causes {topic} and how is it treated?",
    "My daughter was diagnosed with {topic}. Is it inherited? What are the symptoms?",
    "Are there any specialists or clinical trials for {topic}?",
    "How is {topic} diagnosed, and what is the outlook?",
]


def message(number: int, *, subject: str, text: str, **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Requester {number} <r{number}@example.org>"
    mail["To"] = "info@replydesk.example.org"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<bench-{number}@mail.example.org>"
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(text)
    return mail


def write_mbox(path: Path, count: int, topics: list[str], seed: int = 16) -> int:
    """The bench mailbox; returns how many of its messages are new questions."""
    rng = random.Random(seed)
    box = mailbox.mbox(path)
    questions = 0
    for number in range(count):
        topic = rng.choice(topics)
        text = rng.choice(QUESTIONS).format(topic=topic) + "\n\n" + "Some detail about us. " * rng.randint(1, 30)
        kind = rng.choices(["question", "answer", "auto", "attachment"], [70, 15, 10, 5])[0]
        if kind == "answer" and questions:
            # Quotes the reference of an earlier question (references are handed out in order).
            earlier = rng.randint(1, questions)
            mail = message(number, subject=f"Re: We received your question [RD-{{year}}-{earlier:06d}]", text=text)
        elif kind == "auto":
            mail = message(number, subject="Out of office", text="I am away.", Auto_Submitted="auto-replied")
        else:
            mail = message(number, subject=f"Question about {topic}", text=text)
            if kind == "attachment":
                mail.add_attachment(b"%PDF-1.4\n" + b"0" * 50_000, maintype="application", subtype="pdf",
                                    filename="letter.pdf")
            questions += 1
        box.add(mail.as_bytes().replace(b"{year}", str(time.localtime().tm_year).encode()))
    box.flush()
    box.close()
    return questions


def setup_django(media: str) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{DB}",
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # As in production: the acknowledgement is queued for the worker, not sent inside the import.
        TASK_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    demo = ROOT / "library" / "demo"
    call_command("import_gard", str(demo / "gard-scleromyxedema.txt"), stdout=io.StringIO())
    call_command("import_medquad", str(demo / "medquad"), stdout=io.StringIO())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="replydesk-bench-mail-") as folder:
        setup_django(str(Path(folder) / "media"))
        from django.core.management import call_command

        from inquiries.mail.parse import parse_mail
        from inquiries.models import IncomingMessage, Inquiry
        from library.models import Topic
        from library.suggest import suggest

        topics = list(Topic.objects.order_by("pk").values_list("name", flat=True))
        path = Path(folder) / "inbox.mbox"
        questions = write_mbox(path, args.messages, topics)

        import inquiries.services

        in_place = []
        untimed = inquiries.services.suggest

        def timed_suggest(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return untimed(*args, **kwargs)
            finally:
                in_place.append(time.perf_counter() - begin)

        inquiries.services.suggest = timed_suggest
        out = io.StringIO()
        start = time.perf_counter()
        try:
            call_command("import_mail", str(path), stdout=out)
        finally:
            inquiries.services.suggest = untimed
        seconds = time.perf_counter() - start
        lines = out.getvalue().splitlines()
        assert len(lines) == args.messages, (len(lines), args.messages)

        # The suggestion step alone, on the same question texts, as inquiry_create runs it.
        texts = [parse_mail(raw, max_bytes=10**8) for raw in (m.as_bytes() for m in mailbox.mbox(path))]
        texts = [f"{mail.subject}\n\n{mail.text}" for mail in texts if not mail.reference and not mail.auto_reason]
        timings = []
        for text in texts[:200]:
            begin = time.perf_counter()
            suggest(text)
            timings.append(time.perf_counter() - begin)
        suggest_ms = statistics.mean(timings) * 1000

    per_message_ms = seconds / args.messages * 1000
    outcomes = {o: IncomingMessage.objects.filter(outcome=o).count() for o in IncomingMessage.Outcome.values}
    print(f"import_mail: {args.messages} messages from one mbox in {seconds:.2f} s: "
          f"{args.messages / seconds:.0f} messages/s ({per_message_ms:.1f} ms per message)")
    print(f"  outcomes: {outcomes}; inquiries opened: {Inquiry.objects.count()} (questions in the mbox: {questions})")
    step_ms = statistics.mean(in_place) * 1000
    print(f"  suggestion step in the import: {step_ms:.1f} ms per question (mean of {len(in_place)}); "
          f"alone: {suggest_ms:.1f} ms (mean of {len(timings)})")
    # What taking mail in adds on top of the suggestions it runs for each new question.
    own_ms = (seconds - sum(in_place)) / args.messages * 1000
    verdict = "OK" if own_ms < step_ms else "slower than the suggestion step"
    print(f"  import without the suggestion step: {own_ms:.1f} ms per message (aim: < {step_ms:.1f} ms): {verdict}")
    print(f"  (load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
