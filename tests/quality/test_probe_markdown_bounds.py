"""Probe finding 4: Markdown could pin a CPU for minutes or crash a page.

"[" x 8,000 took 14 s to render (x 16,000: 86 s); 300-deep nested lists and "1. " x 100,000
raised RecursionError, and once saved the composer answered 500 every time. Now every Markdown
field has a length limit (forms, importers, services), rendering is linear and depth-capped,
a refused body shows an error instead of a 500, and a PDF render has a time limit.
"""

import time
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from lib.markup import MARKDOWN_MAX_CHARS, render_markdown, render_text
from lib.timelimit import TimeLimitExceeded, time_limit
from library.models import Section, StandardText, Topic
from replies.composer.services import ReplyError, reply_block_edit
from replies.letter.assembly import assemble_letter
from replies.letter.pdf import letter_pdf
from replies.models import BulkExport, ReplyBlock
from replies.outbox.bulk_render import bulk_export_run
from tests.conftest import EXAMPLE_LETTER
from tests.quality import factories
from tests.replies.factories import make_reply

pytestmark = pytest.mark.django_db

# The probe's inputs, and the same shapes at the length limit.
PATHOLOGICAL = {
    "brackets": "[" * MARKDOWN_MAX_CHARS,
    "open links": "[a](" * (MARKDOWN_MAX_CHARS // 4),
    "nested lists": "\n".join("  " * depth + "- item" for depth in range(100)),
    "nested on one line": "- " * (MARKDOWN_MAX_CHARS // 2),
    "numbered on one line": "1. " * (MARKDOWN_MAX_CHARS // 3),
    "quotes": ">" * MARKDOWN_MAX_CHARS,
    "html openers": "<a " * (MARKDOWN_MAX_CHARS // 3),
    "setext headings": "a\n=\n" * (MARKDOWN_MAX_CHARS // 4),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_it_renders_the_probes_inputs_without_hanging_or_recursing(name):
    # A generous hang guard, not a speed check (bench/markdown_worst.py prints the figures):
    # before, "[" x 16,000 took 86 s and the nested ones raised RecursionError.
    with time_limit(10, f"Rendering {name}"):
        html = render_markdown(PATHOLOGICAL[name])
        render_text(PATHOLOGICAL[name])
    assert "cannot be shown" not in html


def test_it_refuses_to_render_a_text_over_the_limit_with_a_message():
    html = render_markdown("1. " * 100_000)
    assert html == (
        '<p class="markup-refused">This text cannot be shown. The text has 300,000 characters; '
        "a text may have at most 20,000.</p>"
    )


@pytest.fixture
def reply(alice):
    factories.make_library()
    return make_reply(alice, inquiry=factories.receive_inquiry(assignee=alice))


def test_it_shows_an_error_for_a_saved_body_over_the_limit_instead_of_a_500(login, alice, reply):
    block = reply.blocks.filter(kind=ReplyBlock.Kind.SECTION).first()
    ReplyBlock.objects.filter(pk=block.pk).update(body="1. " * 100_000)  # saved before the limit existed
    desk = login(alice)
    composer = desk.get(f"/desk/replies/{reply.pk}/")
    assert composer.status_code == 200
    assert "This text cannot be shown" in composer.content.decode()
    assert not assemble_letter(reply).is_sendable
    assert "too long to render" in assemble_letter(reply).not_sendable_because


def test_it_refuses_an_over_long_block_in_the_form_and_the_service(login, alice, reply):
    block = reply.blocks.filter(kind=ReplyBlock.Kind.SECTION).first()
    long_body = "word " * (MARKDOWN_MAX_CHARS // 5 + 1)
    response = login(alice).post(f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/",
                                 {"version": reply.version, "heading": "", "body": long_body})
    assert "too_long" in [e.code for e in response.context["form"].errors.as_data()["body"]]
    with pytest.raises(ReplyError, match="at most 20,000"):
        reply_block_edit(reply=reply, version=reply.version, by=alice, block_id=block.pk, heading="", body=long_body)
    block.refresh_from_db()
    assert block.body != long_body


def test_it_refuses_an_over_long_library_text_in_the_admin(client, lee, db):
    lee.is_staff = True
    lee.save()
    lee.user_permissions.add(*Permission.objects.filter(content_type__app_label="library"))
    factories.make_library()
    text = StandardText.objects.get(kind="closing")
    client.force_login(lee, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/admin/library/standardtext/{text.pk}/change/", {
        "kind": "closing", "language": "en", "name": text.name, "body": "x" * (MARKDOWN_MAX_CHARS + 1),
        "is_default": "on"})
    assert response.status_code == 200
    assert "at most 20,000" in response.content.decode()
    text.refresh_from_db()
    assert text.body == "We hope this information is helpful."


def test_it_refuses_an_over_long_section_in_an_import(tmp_path):
    text = EXAMPLE_LETTER.read_text(encoding="utf-8")
    path = tmp_path / "long.txt"
    path.write_text(text.replace("leukemia.[4]", "leukemia." + " more" * 5000 + "[4]", 1), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_gard", str(path), stdout=StringIO(), stderr=err)
    assert "at most 20,000" in err.getvalue()
    assert not Topic.objects.exists() and not Section.objects.exists()


def test_it_stops_a_pdf_render_past_its_time_limit(settings, alice, reply):
    settings.PDF_TIME_LIMIT = 0.001
    with pytest.raises(TimeLimitExceeded):
        letter_pdf(assemble_letter(reply))
    export = BulkExport.objects.create(created_by=alice, reply_ids=[reply.pk], total=1)
    bulk_export_run(export_id=export.pk, workers=1)  # the task's body, in this (main) thread
    export.refresh_from_db()
    assert export.status == BulkExport.Status.FAILED
    assert "took longer than 0.001 seconds" in export.error


class _SlowToCollect:
    def __del__(self):
        time.sleep(0.2)  # the limit's signal arrives here, where Python prints and drops exceptions


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_limit_that_expires_inside_a_finaliser_still_stops_the_block():
    # CI once saw the PDF render finish "done" at a 0.001 s limit: the signal came during a
    # weakref finaliser, whose exception Python drops, and the late result was kept.
    with pytest.raises(TimeLimitExceeded, match="Collecting took longer than 0.05 seconds"):
        with time_limit(0.05, "Collecting"):
            _SlowToCollect()
