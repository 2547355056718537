import re

import pytest
from django.core.management import call_command, get_commands

from library.models import Topic
from replies.models import Reply
from tests.conftest import EXAMPLE_LETTER, make_inquiry


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expected_letter() -> str:
    """The example from its first line to its last reference."""
    return squash(EXAMPLE_LETTER.read_text(encoding="utf-8"))


@pytest.mark.skipif("import_gard" not in get_commands(), reason="the library's import_gard is not there yet")
def test_it_gives_back_the_example_letter(db, capsys, tmp_path):
    call_command("import_gard", str(EXAMPLE_LETTER))
    inquiry = make_inquiry(topics=[Topic.objects.get(name="Scleromyxedema")])
    capsys.readouterr()
    call_command("draft_reply", str(inquiry.pk), "--sections", "all")
    reply_id = int(capsys.readouterr().out.strip().split()[-1])
    assert Reply.objects.filter(pk=reply_id, inquiry=inquiry).exists()
    out = tmp_path / "letter.txt"
    call_command("export_reply", str(reply_id), "--format", "txt", "--output", str(out))
    assert squash(out.read_text(encoding="utf-8")) == expected_letter()
