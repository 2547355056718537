from django.template.loader import render_to_string

from inquiries.models import Inquiry
from replies.models import Reply
from tests.conftest import make_inquiry, make_section, make_standard_texts, make_topic

from .factories import make_reply


def test_it_starts_a_reply_from_suggestions(alice, login):
    make_standard_texts()
    topic = make_topic()
    make_section(topic, "overview", heading="What is scleromyxedema?")
    make_section(topic, "cause", heading="What causes scleromyxedema?")
    make_section(topic, "treatment", heading="How might scleromyxedema be treated?")
    make_section(topic, "inheritance", heading="Is scleromyxedema inherited?")
    inquiry = make_inquiry(topics=[topic], assignee=alice)
    r = login(alice).post(f"/desk/replies/start/{inquiry.pk}/", {"sections": "auto"})
    reply = Reply.objects.get(inquiry=inquiry)
    assert r.status_code == 302 and r["Location"] == reply.get_absolute_url()
    assert (reply.author, reply.status, reply.title) == (alice, "drafting", inquiry.question)
    kinds = set(reply.blocks.filter(kind="section").values_list("section__kind", flat=True))
    assert {"cause", "treatment"} <= kinds and "inheritance" not in kinds
    assert reply.blocks.filter(kind="standard").count() == 5
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DRAFTING
    assert inquiry.events.filter(action="reply.started").exists()


def test_it_starts_a_reply_with_standard_texts_only(alice, login):
    make_standard_texts()
    inquiry = make_inquiry(topics=[make_topic()], assignee=alice)
    login(alice).post(f"/desk/replies/start/{inquiry.pk}/", {"sections": "none", "title": "My title"})
    reply = Reply.objects.get(inquiry=inquiry)
    assert reply.title == "My title"
    assert list(reply.blocks.values_list("standard_kind", flat=True)) == [
        "letterhead", "greeting", "closing", "signature", "disclaimer"]


def test_it_refuses_to_start_for_charlie_anonymous_or_get(alice, charlie, login, client):
    inquiry = make_inquiry(assignee=alice)
    url = f"/desk/replies/start/{inquiry.pk}/"
    assert client.post(url).status_code == 302
    assert login(charlie).post(url).status_code == 403
    assert login(alice).get(url).status_code == 405
    assert login(alice).post("/desk/replies/start/999999/").status_code == 404
    assert not Reply.objects.exists()


def test_it_lists_an_inquirys_replies_in_its_panel(alice, rf):
    reply = make_reply(alice)
    request = rf.get("/")
    request.user = alice
    html = render_to_string("replies/inquiry_panel.html", {"inquiry": reply.inquiry}, request=request)
    assert reply.get_absolute_url() in html and "Drafting" in html
    assert f'action="/desk/replies/start/{reply.inquiry.pk}/"' in html
    assert "Draft from suggestions" in html


def test_it_shows_the_panel_on_the_inquiry_page(alice, login):
    reply = make_reply(alice)
    r = login(alice).get(reply.inquiry.get_absolute_url())
    assert r.status_code == 200
    assert reply.get_absolute_url() in r.content.decode()
