"""Reads built once and then sent as recorded (lib.statements): always answered from the database
as it is now, for the person, the reply and the ids asked about."""

from django.contrib.auth.models import Group
from django.test import Client

from lib import roles
from library.models import StandardText
from replies.composer.services import reply_block_add
from tests.conftest import make_inquiry, make_section
from tests.replies.factories import make_reply


def test_roles_are_each_persons_own_and_a_role_taken_away_counts_on_the_next_page(alice, lee):
    queue = "/desk/inquiries/"
    alice_client, lee_client = Client(), Client()
    alice_client.force_login(alice)
    lee_client.force_login(lee)
    assert alice_client.get(queue).status_code == 200
    assert lee_client.get(queue).status_code == 403  # a library editor does not see requesters
    assert alice_client.get(queue).status_code == 200
    alice.groups.remove(Group.objects.get(name=roles.SPECIALIST))
    assert alice_client.get(queue).status_code == 403


def test_the_composer_lists_the_standard_texts_and_contributors_as_they_are_now(alice, bob, login):
    reply = make_reply(alice)
    client = login(alice)
    page = client.get(reply.get_absolute_url()).content.decode()
    assert "Our new paragraph" not in page
    StandardText.objects.create(kind="referral", language="en", name="Our new paragraph", body="See a clinic.")
    page = client.get(reply.get_absolute_url()).content.decode()
    assert "Referral (en): Our new paragraph</option>" in page

    others = make_reply(bob, inquiry=make_inquiry(topics=[reply.inquiry.topics.get()], assignee=bob))
    reply_block_add(reply=others, version=others.version, by=bob,
                    section=make_section(others.inquiry.topics.get(), "diagnosis"))
    assert "Written or changed by alice." in client.get(reply.get_absolute_url()).content.decode()
    assert "Written or changed by bob." in client.get(others.get_absolute_url()).content.decode()
    reply.refresh_from_db()
    reply_block_add(reply=reply, version=reply.version, by=bob,
                    section=make_section(reply.inquiry.topics.get(), "diagnosis"))
    assert "Written or changed by alice, bob." in client.get(reply.get_absolute_url()).content.decode()
