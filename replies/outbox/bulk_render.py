"""Rendering a bulk export: many replies' PDFs in one ZIP, run by the task worker.

The worker reads the database and builds each letter's HTML (cheap); the layout into PDF
(the costly part) runs in a process pool over both cores when there are many letters. The
pool lives as long as the worker process, so its processes import and warm WeasyPrint once.
"""

import io
import multiprocessing
import os
import time
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from django.utils import timezone

from ..letter import pdf_worker
from ..letter.assembly import assemble_letter
from ..letter.pdf import html_to_pdf, letter_document
from ..models import BulkExport, Reply
from .sending import sha256

POOL_MIN_LETTERS = 8  # below this the pool's start-up costs more than it saves
PROGRESS_EVERY = 0.5  # seconds between progress writes

_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def pool_size() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def render_pool(workers: int) -> ProcessPoolExecutor:
    """The process pool of this worker process, started on first use and then reused."""
    global _pool, _pool_size
    if _pool is None or _pool_size != workers:
        if _pool is not None:
            _pool.shutdown()
        context = multiprocessing.get_context("spawn")  # never fork a process that holds fonts and DB connections
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")
        _pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=pdf_worker.init, initargs=(settings_module,)
        )
        _pool_size = workers
    return _pool


def letter_documents(reply_ids: list[int]) -> Iterator[tuple[str, str]]:
    """(file name, HTML document) per reply, in the order asked."""
    replies = Reply.objects.select_related("inquiry__requester").prefetch_related("blocks", "inquiry__topics")
    by_id = replies.in_bulk(reply_ids)
    for pk in reply_ids:
        reply = by_id[pk]
        yield f"{reply.inquiry.reference}-reply-{pk}.pdf", letter_document(assemble_letter(reply), postal=True)


def render_pdfs(documents: Iterable[tuple[str, str]], *, count: int, workers: int) -> Iterator[tuple[str, bytes]]:
    """(name, PDF) in the order of `documents`: in this process, or in the pool when it pays.

    With the pool, each letter is submitted as soon as its HTML is built, so this process
    assembles the next letters while the pool lays out the first ones."""
    if workers <= 1 or count < POOL_MIN_LETTERS:
        return ((name, html_to_pdf(html)) for name, html in documents)
    pool = render_pool(workers)
    futures = [(name, pool.submit(pdf_worker.render, html)) for name, html in documents]
    return ((name, future.result()) for name, future in futures)


def build_zip(reply_ids: list[int], *, workers: int, progress=None) -> bytes:
    buffer = io.BytesIO()
    pdfs = render_pdfs(letter_documents(reply_ids), count=len(reply_ids), workers=workers)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, (name, pdf) in enumerate(pdfs, start=1):
            archive.writestr(name, pdf)
            if progress:
                progress(done)
    return buffer.getvalue()


def bulk_export_run(*, export_id: int, workers: int | None = None) -> None:
    claimed = BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.QUEUED).update(
        status=BulkExport.Status.RUNNING
    )
    if not claimed:
        return
    export = BulkExport.objects.get(pk=export_id)
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or done == export.total:
            BulkExport.objects.filter(pk=export_id).update(done=done)
            last[0] = now

    try:
        data = build_zip(list(export.reply_ids), workers=workers or pool_size(), progress=progress)
    except Exception as exc:  # one bad letter fails the export, with the reason shown
        BulkExport.objects.filter(pk=export_id).update(
            status=BulkExport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return
    BulkExport.objects.filter(pk=export_id).update(
        status=BulkExport.Status.DONE, zip=data, zip_sha256=sha256(data), done=export.total, finished_at=timezone.now()
    )
