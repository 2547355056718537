"""The suggestion panel shows the kinds the question asks for; one click corrects them, and is recorded."""

import re

from django.urls import reverse

from library.models import KindCorrection
from tests.conftest import make_inquiry, make_section, make_topic

from .factories import make_reply

QUESTION = "What causes scleromyxedema and how is it treated?"


def composer(alice, login):
    topic = make_topic("Scleromyxedema")
    for kind in ("overview", "cause", "treatment", "prognosis"):
        make_section(topic, kind)
    reply = make_reply(alice, inquiry=make_inquiry(question=QUESTION, topics=[topic], assignee=alice), sections="none")
    return reply, login(alice)


def pressed(html: str) -> list[str]:
    panel = html[html.index('id="asked-kinds"'):html.index("</div>\n</div>", html.index('id="asked-kinds"'))]
    return re.findall(r'aria-pressed="true"\s+aria-label="The question does not ask about ([a-z ]+)"', panel)


def test_it_shows_the_kinds_asked_and_corrects_them_with_one_click(alice, login):
    reply, client = composer(alice, login)
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "Asked: <strong>cause, treatment</strong>" in html
    assert pressed(html) == ["cause", "treatment"]

    response = client.post(reverse("replies:kind", args=[reply.pk]), {"kind": "prognosis", "asked": "1"}, follow=True)
    html = response.content.decode()
    assert "Noted: the question asks about prognosis." in html
    assert pressed(html) == ["cause", "treatment", "prognosis"]
    correction = KindCorrection.objects.get()
    assert (correction.question, correction.kind, correction.asked) == (QUESTION, "prognosis", True)
    assert correction.suggested == ["cause", "treatment"] and correction.created_by == alice

    client.post(reverse("replies:kind", args=[reply.pk]), {"kind": "cause", "asked": "0"})
    html = client.get(reply.get_absolute_url()).content.decode()
    assert pressed(html) == ["treatment", "prognosis"]  # the buttons keep the letter's order of kinds
    assert "Asked: <strong>prognosis, treatment</strong>" in html  # the corrected kind first


def test_it_refuses_a_kind_it_does_not_know_and_records_nothing(alice, login):
    reply, client = composer(alice, login)
    response = client.post(reverse("replies:kind", args=[reply.pk]), {"kind": "gossip", "asked": "1"}, follow=True)
    assert "Select a valid choice." in response.content.decode()
    assert not KindCorrection.objects.exists()


def test_it_lets_only_writers_correct(alice, charlie, login):
    reply, _ = composer(alice, login)
    response = login(charlie).post(reverse("replies:kind", args=[reply.pk]), {"kind": "prognosis", "asked": "1"})
    assert response.status_code in (403, 404)
    assert not KindCorrection.objects.exists()
    assert login(charlie).get(reverse("replies:kind", args=[reply.pk])).status_code in (403, 404, 405)
