from replies.composer.services import reply_block_add, reply_start
from replies.letter.assembly import assemble_letter
from replies.letter.render import letter_html, letter_text
from replies.models import Reply
from tests.conftest import make_inquiry, make_reference, make_section, make_standard_texts, make_topic


def two_topic_reply(author) -> Reply:
    make_reference("shared2020", "Shared A. Cited by both topics. 2020.")
    make_reference("only2021", "Only B. Cited by one. 2021.")
    first, second = make_topic("Alpha disease"), make_topic("Beta disease")
    make_section(first, "overview", body="Alpha is rare.[@only2021][@shared2020]")
    make_section(second, "overview", body="Beta is rarer.[@shared2020]")
    inquiry = make_inquiry(question="What are alpha and beta?", topics=[first, second], assignee=author)
    return reply_start(inquiry=inquiry, by=author, sections="all")


def test_it_lists_a_reference_cited_by_two_topics_once(alice):
    letter = assemble_letter(two_topic_reply(alice))
    assert [(r.number, r.key) for r in letter.references] == [(1, "only2021"), (2, "shared2020")]
    text = letter_text(letter)
    assert "Alpha is rare.[1][2]" in text and "Beta is rarer.[2]" in text
    assert text.count("Shared A. Cited by both topics.") == 1
    html = letter_html(letter)
    assert html.count('id="ref-2"') == 1 and html.count('href="#ref-2"') == 2


def test_it_previews_the_letter_as_every_output_renders_it(alice, login):
    reply = two_topic_reply(alice)
    html = login(alice).get(reply.get_absolute_url()).content.decode()
    assert letter_html(assemble_letter(reply)).strip() in html


def test_it_fills_placeholders_from_the_inquiry(alice):
    make_standard_texts()
    reply = two_topic_reply(alice)
    letter = assemble_letter(reply)
    assert letter.greeting.text == "Dear Jane,"


def test_it_falls_back_to_neutral_wording(alice):
    make_standard_texts()
    inquiry = make_inquiry(topics=[make_topic()], assignee=alice, name=" ")
    letter = assemble_letter(reply_start(inquiry=inquiry, by=alice))
    assert letter.greeting.text == "Dear friend,"


def test_it_counts_unknown_references_and_numbers_only_known_ones(alice):
    reply = two_topic_reply(alice)
    reply_block_add(reply=reply, version=reply.version, by=alice, body="See [@ghost1999] and [@shared2020].")
    letter = assemble_letter(reply)
    assert letter.unknown_keys == ("ghost1999",) and not letter.is_sendable
    assert "[?ghost1999]" in letter_text(letter)
    assert len(letter.references) == 2
