import pytest

from inquiries.models import Inquiry, InquiryEvent
from tests.conftest import make_inquiry

pytestmark = pytest.mark.django_db
S = Inquiry.Status


def action(inquiry, name):
    return f"/desk/inquiries/{inquiry.pk}/{name}/"


def reload(inquiry):
    return Inquiry.objects.get(pk=inquiry.pk)


def test_it_takes_an_inquiry(login, alice):
    inquiry = make_inquiry()
    response = login(alice).post(action(inquiry, "take"))
    assert response.status_code == 302
    assert response["Location"] == f"/desk/inquiries/{inquiry.pk}/"
    assert (reload(inquiry).assignee, reload(inquiry).status) == (alice, S.ASSIGNED)
    assert InquiryEvent.objects.get().action == "inquiry.assigned"


def test_it_tells_who_already_has_it(login, alice, bob):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    client = login(bob)
    response = client.post(action(inquiry, "take"), follow=True)
    assert "already taken by alice" in response.content.decode()
    assert reload(inquiry).assignee == alice
    assert not InquiryEvent.objects.exists()


@pytest.mark.parametrize("name", ["take", "assign", "move", "close", "reopen", "note", "topics"])
def test_it_refuses_get_on_actions(login, sam, name):
    assert login(sam).get(action(make_inquiry(), name)).status_code == 405


@pytest.mark.parametrize("name", ["take", "assign", "move", "close", "reopen", "note", "topics"])
def test_it_sends_anonymous_actions_to_login(client, name):
    response = client.post(action(make_inquiry(), name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["take", "assign", "move", "close", "reopen", "note", "topics"])
def test_it_refuses_actions_without_the_role(login, charlie, lee, name):
    inquiry = make_inquiry()
    assert login(charlie).post(action(inquiry, name)).status_code == 403
    assert login(lee).post(action(inquiry, name), {"to": "waiting", "note": "x"}).status_code == 403
    assert reload(inquiry).status == S.NEW
    assert not InquiryEvent.objects.exists()


def test_it_lets_a_supervisor_assign(login, sam, bob):
    inquiry = make_inquiry()
    login(sam).post(action(inquiry, "assign"), {"assignee": bob.pk})
    assert reload(inquiry).assignee == bob
    event = InquiryEvent.objects.get()
    assert (event.actor, event.data["assignee"]) == (sam, "bob")


def test_it_refuses_assignment_by_a_specialist(login, alice, bob):
    inquiry = make_inquiry()
    assert login(alice).post(action(inquiry, "assign"), {"assignee": bob.pk}).status_code == 403
    assert reload(inquiry).assignee is None


def test_it_moves_to_waiting_and_back(login, alice):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    client = login(alice)
    client.post(action(inquiry, "move"), {"to": S.WAITING})
    assert reload(inquiry).status == S.WAITING
    client.post(action(inquiry, "move"), {"to": S.ASSIGNED})
    assert reload(inquiry).status == S.ASSIGNED
    assert list(InquiryEvent.objects.values_list("to_status", flat=True)) == [S.WAITING, S.ASSIGNED]


def test_it_closes_a_sent_inquiry(login, alice):
    inquiry = make_inquiry(status=S.SENT, assignee=alice)
    login(alice).post(action(inquiry, "move"), {"to": S.CLOSED})
    assert reload(inquiry).status == S.CLOSED
    assert InquiryEvent.objects.get().action == "inquiry.closed"


@pytest.mark.parametrize("to", [S.DRAFTING, S.IN_REVIEW, S.READY, S.SENT])
def test_it_leaves_the_reply_statuses_to_the_composer(login, alice, to):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    response = login(alice).post(action(inquiry, "move"), {"to": to}, follow=True)
    assert "set by the reply composer" in response.content.decode()
    assert reload(inquiry).status == S.ASSIGNED
    assert not InquiryEvent.objects.exists()


def test_it_refuses_an_illegal_move_with_a_message(login, alice):
    inquiry = make_inquiry()
    response = login(alice).post(action(inquiry, "move"), {"to": S.CLOSED}, follow=True)
    assert "cannot move from New to Closed" in response.content.decode()
    assert reload(inquiry).status == S.NEW
    assert not InquiryEvent.objects.exists()


def test_it_releases_an_inquiry(login, alice):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    login(alice).post(action(inquiry, "move"), {"to": S.NEW})
    assert (reload(inquiry).status, reload(inquiry).assignee) == (S.NEW, None)
    assert InquiryEvent.objects.get().action == "inquiry.released"


def test_it_waits_on_the_requester_and_resumes(login, alice):
    inquiry = make_inquiry(status=S.ASSIGNED, assignee=alice)
    client = login(alice)
    client.post(action(inquiry, "move"), {"to": S.WAITING, "note": "Asked for the diagnosis."})
    assert reload(inquiry).status == S.WAITING
    client.post(action(inquiry, "move"), {"to": S.ASSIGNED})
    assert reload(inquiry).status == S.ASSIGNED
    assert InquiryEvent.objects.first().note == "Asked for the diagnosis."


def test_it_closes_as_spam(login, alice):
    inquiry = make_inquiry()
    login(alice).post(action(inquiry, "close"), {"reason": "spam", "note": "Advert."})
    inquiry = reload(inquiry)
    assert (inquiry.status, inquiry.close_reason) == (S.CLOSED_WITHOUT_REPLY, "spam")
    event = InquiryEvent.objects.get()
    assert (event.action, event.data, event.note) == ("inquiry.closed_no_reply", {"reason": "spam"}, "Advert.")


def test_it_closes_as_a_duplicate_of_another(login, alice):
    original = make_inquiry()
    inquiry = make_inquiry()
    login(alice).post(action(inquiry, "close"), {"reason": "duplicate", "duplicate_of": original.reference.lower()})
    assert reload(inquiry).duplicate_of == original


def test_it_refuses_a_duplicate_without_the_other_inquiry(login, alice):
    inquiry = make_inquiry()
    response = login(alice).post(action(inquiry, "close"), {"reason": "duplicate", "duplicate_of": "RD-1"}, follow=True)
    assert "Give the reference" in response.content.decode()
    assert reload(inquiry).status == S.NEW


def test_it_reopens(login, alice):
    inquiry = make_inquiry(status=S.CLOSED_WITHOUT_REPLY, close_reason="spam")
    login(alice).post(action(inquiry, "reopen"))
    assert (reload(inquiry).status, reload(inquiry).close_reason) == (S.NEW, "")


def test_it_adds_a_note(login, alice, mailoutbox):
    inquiry = make_inquiry()
    login(alice).post(action(inquiry, "note"), {"note": "Internal only."})
    event = InquiryEvent.objects.get()
    assert (event.action, event.note, event.actor) == ("inquiry.note", "Internal only.", alice)
    assert mailoutbox == []


def test_it_refuses_an_empty_note(login, alice):
    login(alice).post(action(make_inquiry(), "note"), {"note": ""})
    assert not InquiryEvent.objects.exists()


def test_it_changes_the_topics(login, alice):
    from library.models import Topic

    old = Topic.objects.create(name="Scleroderma")
    new = Topic.objects.create(name="Scleromyxedema")
    inquiry = make_inquiry()
    inquiry.topics.add(old)
    login(alice).post(action(inquiry, "topics"), {"remove": [old.pk], "add": "scleromyxedema"})
    assert list(reload(inquiry).topics.all()) == [new]
    event = InquiryEvent.objects.get()
    assert event.data == {"before": ["Scleroderma"], "after": ["Scleromyxedema"]}


def test_it_refuses_an_unknown_topic(login, alice):
    inquiry = make_inquiry()
    response = login(alice).post(action(inquiry, "topics"), {"add": "Nothing like this"}, follow=True)
    assert "No topic has this name" in response.content.decode()
    assert not InquiryEvent.objects.exists()
