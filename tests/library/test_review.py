"""The review list of library editors and "mark reviewed"."""

from datetime import date, timedelta

from django.utils import timezone

from library.models import Section
from library.services import REVIEWED, sections_record_use
from tests.conftest import make_section, make_topic

OLD = date(2001, 1, 1)


def review_rows(response) -> list[str]:
    return [section.heading for section in response.context["page"].object_list]


def make_review_library():
    topic = make_topic()
    fresh = make_section(topic, "overview", heading="Fresh?", last_updated=timezone.localdate())
    old = make_section(topic, "cause", heading="Old?", last_updated=OLD)
    older_used = make_section(topic, "treatment", heading="Older and used?", last_updated=OLD - timedelta(days=1))
    unknown = make_section(topic, "symptoms", heading="Unknown?", last_updated=None)
    unknown_used = make_section(topic, "diagnosis", heading="Unknown and used?", last_updated=None)
    make_section(topic, "prognosis", heading="Draft unknown?", last_updated=None, status=Section.Status.DRAFT)
    sections_record_use([unknown_used.pk, older_used.pk])
    sections_record_use([unknown_used.pk])
    return fresh, old, older_used, unknown, unknown_used


def test_it_lists_unknown_and_stale_sections_oldest_first_then_most_used(lee, login):
    make_review_library()
    response = login(lee).get("/desk/library/review/")
    assert response.status_code == 200
    assert review_rows(response) == ["Unknown and used?", "Unknown?", "Older and used?", "Old?"]
    assert b"unknown" in response.content


def test_it_lists_the_most_used_first_when_asked(lee, login):
    make_review_library()
    response = login(lee).get("/desk/library/review/", {"order": "used"})
    assert review_rows(response) == ["Unknown and used?", "Older and used?", "Unknown?", "Old?"]


def test_it_lists_in_a_fixed_number_of_queries(lee, login, django_assert_max_num_queries):
    make_review_library()
    client = login(lee)
    with django_assert_max_num_queries(8):
        response = client.get("/desk/library/review/")
    assert len(review_rows(response)) == 4


def test_it_marks_a_section_reviewed_with_who_and_when(lee, login):
    _, _, _, unknown, _ = make_review_library()
    response = login(lee).post(f"/desk/library/sections/{unknown.pk}/reviewed/")
    assert response.status_code == 302 and response["Location"] == "/desk/library/review/"
    unknown.refresh_from_db()
    assert unknown.last_updated == timezone.localdate()
    record = unknown.history.order_by("-history_id").first()
    assert record.history_user == lee
    assert record.history_change_reason == REVIEWED
    assert unknown.history.count() == 2  # the creation kept, the review added
    assert "Unknown?" not in review_rows(login(lee).get("/desk/library/review/"))


def test_it_goes_back_to_the_page_it_came_from_only_on_this_site(lee, login):
    _, old, older_used, _, _ = make_review_library()
    client = login(lee)
    response = client.post(f"/desk/library/sections/{old.pk}/reviewed/", {"next": "/desk/library/review/?order=used"})
    assert response["Location"] == "/desk/library/review/?order=used"
    response = client.post(f"/desk/library/sections/{older_used.pk}/reviewed/", {"next": "https://evil.example/"})
    assert response["Location"] == "/desk/library/review/"


def test_it_refuses_get_on_mark_reviewed(lee, login):
    _, old, _, _, _ = make_review_library()
    assert login(lee).get(f"/desk/library/sections/{old.pk}/reviewed/").status_code == 405
    old.refresh_from_db()
    assert old.last_updated == OLD


def test_it_refuses_specialists_and_anonymous(alice, login, client):
    _, old, _, _, _ = make_review_library()
    response = client.post(f"/desk/library/sections/{old.pk}/reviewed/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(alice).get("/desk/library/review/").status_code == 403
    assert login(alice).post(f"/desk/library/sections/{old.pk}/reviewed/").status_code == 403
    old.refresh_from_db()
    assert old.last_updated == OLD


def test_it_answers_404_for_a_missing_section(lee, login):
    assert login(lee).post("/desk/library/sections/999999/reviewed/").status_code == 404


def test_it_marks_reviewed_from_the_admin(lee, login):
    lee.is_staff = True
    lee.save()
    _, old, _, unknown, _ = make_review_library()
    response = login(lee).post("/admin/library/section/", {"action": "mark_reviewed",
                                                           "_selected_action": [old.pk, unknown.pk]})
    assert response.status_code == 302
    assert set(Section.objects.filter(pk__in=[old.pk, unknown.pk]).values_list("last_updated", flat=True)) == {
        timezone.localdate()}
    assert {r.history_user for r in Section.history.filter(history_change_reason=REVIEWED)} == {lee}


def test_it_shows_unknown_dates_as_unknown_on_the_topic_page(alice, login):
    section = make_section(last_updated=None)
    response = login(alice).get(section.topic.get_absolute_url())
    assert b"Last updated: unknown" in response.content and b"needs review" in response.content


def test_it_links_the_review_list_for_editors_only(lee, alice, login):
    assert b'id="review-link"' in login(lee).get("/desk/library/").content
    assert b'id="review-link"' not in login(alice).get("/desk/library/").content
