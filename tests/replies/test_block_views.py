from inquiries.models import InquiryEvent
from replies.models import ReplyBlock
from tests.conftest import make_reference, make_section, make_standard_texts

from .factories import make_reply


def url(reply, name, block=None):
    base = f"/desk/replies/{reply.pk}/"
    paths = {
        "title": "title/", "section": "add/section/", "standard": "add/standard/", "custom": "add/custom/",
        "move": f"blocks/{block and block.pk}/move/", "remove": f"blocks/{block and block.pk}/remove/",
        "edit": f"blocks/{block and block.pk}/edit/", "refresh": f"blocks/{block and block.pk}/refresh/",
    }
    return base + paths[name]


def kinds(reply):
    return list(reply.blocks.order_by("position").values_list("kind", "standard_kind", "heading"))


def test_it_adds_a_section_before_the_closing(alice, login):
    make_standard_texts()
    reply = make_reply(alice, sections="none")
    section = make_section(reply.inquiry.topics.get(), "treatment", heading="How is it treated?")
    r = login(alice).post(url(reply, "section"), {"version": reply.version, "section": section.pk})
    assert r.status_code == 302 and r["Location"] == reply.get_absolute_url()
    assert [h or s for _, s, h in kinds(reply)] == [
        "letterhead", "greeting", "How is it treated?", "closing", "signature", "disclaimer"]
    block = reply.blocks.get(kind="section")
    assert block.source_history_id == section.history.latest().history_id
    reply.refresh_from_db()
    assert reply.version == 2
    assert InquiryEvent.objects.filter(inquiry=reply.inquiry, action="reply.block_added").exists()


def test_it_refuses_a_draft_section(alice, login):
    reply = make_reply(alice, sections="none")
    section = make_section(reply.inquiry.topics.get(), "treatment", status="draft")
    login(alice).post(url(reply, "section"), {"version": reply.version, "section": section.pk})
    assert not reply.blocks.filter(kind="section").exists()


def test_it_adds_a_custom_paragraph_and_a_standard_text(alice, login):
    texts = make_standard_texts()
    reply = make_reply(alice, sections="none")
    client = login(alice)
    client.post(url(reply, "custom"), {"version": 1, "heading": "A note", "body": "Call us on Monday."})
    client.post(url(reply, "standard"), {"version": 2, "standard_text": texts["closing"].pk})
    blocks = kinds(reply)
    assert ("custom", "", "A note") in blocks
    assert [k for k, s, _ in blocks if s == "closing"] == ["standard", "standard"]
    reply.refresh_from_db()
    assert reply.version == 3


def test_it_moves_a_block_up_and_down(alice, login):
    reply = make_reply(alice)
    first, second = reply.blocks.filter(kind="section").order_by("position")
    client = login(alice)
    r = client.post(url(reply, "move", second), {"version": 1, "direction": "up"})
    assert r.status_code == 302
    assert list(reply.blocks.filter(kind="section").order_by("position")) == [second, first]
    client.post(url(reply, "move", second), {"version": 2, "direction": "down"})
    assert list(reply.blocks.filter(kind="section").order_by("position")) == [first, second]
    assert list(reply.blocks.values_list("position", flat=True)) == list(range(reply.blocks.count()))


def test_it_removes_a_block(alice, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    login(alice).post(url(reply, "remove", block), {"version": 1})
    assert not ReplyBlock.objects.filter(pk=block.pk).exists()


def test_it_edits_a_blocks_copy_not_the_library(alice, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    client = login(alice)
    r = client.get(url(reply, "edit", block))
    assert r.status_code == 200 and "An overview." in r.content.decode()
    r = client.post(url(reply, "edit", block), {"version": 1, "heading": "New heading", "body": "New *text*."})
    assert r.status_code == 302
    block.refresh_from_db()
    assert (block.heading, block.body, block.locally_edited) == ("New heading", "New *text*.", True)
    assert block.section.body == "An overview.[@ref1]"


def test_it_previews_markdown_without_saving(alice, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    client = login(alice)
    data = {"version": 1, "heading": "", "body": "**bold** [@ref1]", "preview": "1"}
    r = client.post(url(reply, "edit", block), data)
    assert r.status_code == 200
    assert "<strong>bold</strong>" in r.content.decode()
    r = client.post("/desk/replies/preview/", {"body": "<script>x</script> *em* [@nope]"})
    html = r.content.decode()
    assert "<em>em</em>" in html and "<script>" not in html and "[?nope]" in html
    block.refresh_from_db()
    assert block.body == "An overview.[@ref1]"


def test_it_saves_the_title(alice, login):
    reply = make_reply(alice)
    login(alice).post(url(reply, "title"), {"version": 1, "title": "What causes it?"})
    reply.refresh_from_db()
    assert reply.title == "What causes it?"


def test_it_shows_an_unknown_reference_as_an_error(alice, login):
    make_reference("known")
    reply = make_reply(alice)
    client = login(alice)
    client.post(url(reply, "custom"), {"version": 1, "body": "See [@known] and [@missing2024]."})
    html = client.get(reply.get_absolute_url()).content.decode()
    assert 'id="unknown-references"' in html and "[@missing2024]" in html


def test_it_refuses_wrong_methods(alice, login):
    reply = make_reply(alice)
    block = reply.blocks.first()
    client = login(alice)
    for name in ("title", "section", "standard", "custom", "move", "remove", "refresh"):
        assert client.get(url(reply, name, block)).status_code == 405, name


def test_it_refuses_charlie_and_anonymous(alice, charlie, login, client):
    reply = make_reply(alice)
    block = reply.blocks.first()
    for name in ("title", "custom", "move", "remove", "edit", "refresh"):
        r = client.post(url(reply, name, block), {"version": 1, "body": "x", "direction": "up", "title": "x"})
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    charlie_client = login(charlie)
    for name in ("title", "custom", "move", "remove", "edit", "refresh"):
        r = charlie_client.post(url(reply, name, block), {"version": 1, "body": "x", "direction": "up", "title": "x"})
        assert r.status_code == 403, name
    reply.refresh_from_db()
    assert reply.version == 1 and reply.title != "x"


def test_it_lets_a_colleague_edit_but_not_once_in_review(alice, bob, login):
    reply = make_reply(alice)
    client = login(bob)
    client.post(url(reply, "custom"), {"version": 1, "body": "Bob's paragraph."})
    assert reply.blocks.filter(body="Bob's paragraph.").exists()
    reply.status = "in_review"
    reply.save(update_fields=["status"])
    client.post(url(reply, "custom"), {"version": 2, "body": "Too late."})
    assert not reply.blocks.filter(body="Too late.").exists()
