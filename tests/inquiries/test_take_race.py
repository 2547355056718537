"""Ten specialists press "Take it" at the same moment: one owner, nine clear refusals."""

import threading

import pytest
from django.db import connection

from inquiries.models import Inquiry, InquiryEvent
from inquiries.services import AlreadyTaken, inquiry_take
from lib import roles
from tests.conftest import make_inquiry, make_user

TAKERS = 10


def race(inquiry_pk: int, users) -> tuple[list, list]:
    barrier = threading.Barrier(len(users))
    winners, refusals = [], []

    def take(user):
        try:
            inquiry = Inquiry.objects.get(pk=inquiry_pk)
            barrier.wait(timeout=10)
            inquiry_take(inquiry=inquiry, by=user)
            winners.append(user.username)
        except AlreadyTaken as error:
            refusals.append(str(error))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=take, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return winners, refusals


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_a_contested_inquiry_to_exactly_one_specialist():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    users = [make_user(f"specialist{i}", roles.SPECIALIST) for i in range(TAKERS)]
    inquiry = make_inquiry()
    winners, refusals = race(inquiry.pk, users)
    assert len(winners) == 1
    assert len(refusals) == TAKERS - 1
    assert all(f"already taken by {winners[0]}" in message for message in refusals)
    inquiry.refresh_from_db()
    assert inquiry.assignee.username == winners[0]
    assert inquiry.status == Inquiry.Status.ASSIGNED
    assert InquiryEvent.objects.filter(inquiry=inquiry, action="inquiry.assigned").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_numbers_simultaneous_inquiries_without_gaps_or_repeats():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from inquiries.services import inquiry_create

    barrier = threading.Barrier(TAKERS)
    references = []

    def create(i):
        try:
            barrier.wait(timeout=10)
            inquiry = inquiry_create(name=f"Person {i}", email=f"p{i}@example.org", question="A question of ours?")
            references.append(inquiry.reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(TAKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, TAKERS + 1))
