"""A section already in the letter cannot be added again."""

from replies.composer.services import reply_start
from tests.conftest import make_inquiry, make_section, make_topic


def test_it_says_in_the_letter_and_refuses_a_forced_add(alice, login):
    topic = make_topic()
    section = make_section(topic, "overview", heading="What is scleromyxedema?")
    other = make_section(topic, "cause", heading="What causes scleromyxedema?")
    reply = reply_start(inquiry=make_inquiry(topics=[topic], assignee=alice), by=alice, sections=["overview"])
    client = login(alice)
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "In the letter</button>" in html
    assert f'name="section" value="{section.pk}"' not in html  # no Add button for it
    assert f'name="section" value="{other.pk}"' in html

    response = client.post(f"/desk/replies/{reply.pk}/add/section/", {"section": section.pk,
                                                                     "version": reply.version}, follow=True)
    assert "“What is scleromyxedema?” is already in the letter." in [str(m) for m in response.context["messages"]]
    assert reply.blocks.filter(section=section).count() == 1
    reply.refresh_from_db()
    assert reply.version == 1  # refused: nothing changed
    section.refresh_from_db()
    assert section.times_used == 1
