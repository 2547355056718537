import pytest

from replies.composer.services import ReplyConflict, reply_block_edit, reply_block_move, reply_update
from replies.models import Reply

from .factories import make_reply


def edit_url(reply, block):
    return f"/desk/replies/{reply.pk}/blocks/{block.pk}/edit/"


def test_it_refuses_a_save_from_an_older_version(alice, bob):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    reply_block_edit(reply=reply, version=1, by=bob, block_id=block.pk, heading="H", body="Bob's text.")
    with pytest.raises(ReplyConflict) as refused:
        reply_block_edit(reply=reply, version=1, by=alice, block_id=block.pk, heading="H", body="Alice's text.")
    assert refused.value.current.version == 2
    block.refresh_from_db()
    assert block.body == "Bob's text."
    assert Reply.objects.get(pk=reply.pk).version == 2


def test_it_refuses_any_write_from_an_older_version(alice, bob):
    reply = make_reply(alice)
    first = reply.blocks.first()
    reply_update(reply=Reply.objects.get(pk=reply.pk), version=1, by=bob, title="Bob's title")
    with pytest.raises(ReplyConflict):
        reply_block_move(reply=reply, version=1, by=alice, block_id=first.pk, direction="down")
    assert reply.blocks.first() == first


def test_it_shows_both_texts_and_keeps_the_refused_one(alice, bob, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    login(bob).post(edit_url(reply, block), {"version": 1, "heading": block.heading, "body": "Bob's text."})
    r = login(alice).post(edit_url(reply, block), {"version": 1, "heading": block.heading, "body": "Alice's text."})
    assert r.status_code == 409
    html = r.content.decode()
    assert "Not saved." in html
    assert "Bob&#x27;s text." in html  # theirs, shown
    assert "<del>Bob&#x27;s text.</del>" in html and "<ins>Alice&#x27;s text.</ins>" in html
    assert ">Alice&#x27;s text.</textarea>" in html  # yours, still in the form
    assert 'name="version" value="2"' in html  # saving again now overwrites knowingly
    block.refresh_from_db()
    assert block.body == "Bob's text."
    r = login(alice).post(edit_url(reply, block), {"version": 2, "heading": block.heading, "body": "Merged text."})
    assert r.status_code == 302
    block.refresh_from_db()
    assert block.body == "Merged text."


def test_it_keeps_a_refused_custom_paragraph_in_the_form(alice, bob, login):
    reply = make_reply(alice)
    login(bob).post(f"/desk/replies/{reply.pk}/title/", {"version": 1, "title": "Bob's title"})
    r = login(alice).post(f"/desk/replies/{reply.pk}/add/custom/", {"version": 1, "body": "My long paragraph."})
    assert r.status_code == 409
    html = r.content.decode()
    assert "My long paragraph.</textarea>" in html and 'name="version" value="2"' in html
    assert not reply.blocks.filter(kind="custom").exists()


def test_it_says_what_changed_when_a_title_save_is_refused(alice, bob, login):
    reply = make_reply(alice)
    login(bob).post(f"/desk/replies/{reply.pk}/title/", {"version": 1, "title": "Bob's title"})
    r = login(alice).post(f"/desk/replies/{reply.pk}/title/", {"version": 1, "title": "Alice's title"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "Their title: “Bob&#x27;s title”" in html and "Yours: “Alice&#x27;s title”" in html
    assert 'value="Alice&#x27;s title"' in html and 'name="version" value="2"' in html
    assert Reply.objects.get(pk=reply.pk).title == "Bob's title"


def test_it_tells_an_editor_whose_block_was_removed(alice, bob, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    login(bob).post(f"/desk/replies/{reply.pk}/blocks/{block.pk}/remove/", {"version": 1})
    r = login(alice).post(edit_url(reply, block), {"version": 1, "heading": "", "body": "Alice's text."})
    assert r.status_code == 409
    html = r.content.decode()
    assert "This block has been removed" in html and ">Alice&#x27;s text.</textarea>" in html
    assert not reply.blocks.filter(pk=block.pk).exists()


def test_it_shows_the_refusal_to_htmx_too(alice, bob, login):
    reply = make_reply(alice)
    block = reply.blocks.filter(kind="section").first()
    login(bob).post(edit_url(reply, block), {"version": 1, "heading": "", "body": "Bob's text."})
    data = {"version": 1, "heading": "", "body": "Mine."}
    r = login(alice).post(edit_url(reply, block), data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200  # htmx would not swap a 409
    assert "Not saved." in r.content.decode()
