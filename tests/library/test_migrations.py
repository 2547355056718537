"""The data migration that forgets the dates MedQuAD never gave, and brings the no-match texts."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from library.models import StandardText

BEFORE = [("library", "0008_language_review_dates_no_match_texts")]


def migrate(targets):
    """Migrate to the targets (a migration's dependants follow it back); the apps as they are then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest(**instead) -> list[tuple[str, str]]:
    """Every app's latest migration, or the one named instead (the other tests need the latest)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return [(app, instead.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()]


@pytest.mark.django_db(transaction=True)
def test_it_forgets_only_the_dates_of_sections_imported_without_one(django_user_model):
    apps = migrate(BEFORE)
    Topic = apps.get_model("library", "Topic")
    Section = apps.get_model("library", "Section")
    HistoricalSection = apps.get_model("library", "HistoricalSection")
    imported_on = datetime(2026, 11, 20, 15, tzinfo=timezone.get_current_timezone())
    medquad = Topic.objects.create(name="Urachal cyst", gard_id=9999)
    gard_page = Topic.objects.create(name="Scleromyxedema")

    def section(topic, kind, last_updated, editor=None):
        row = Section.objects.create(topic=topic, kind=kind, heading=f"{kind}?", body="Text.", status="published",
                                     last_updated=last_updated)
        Section.objects.filter(pk=row.pk).update(created_at=imported_on)
        HistoricalSection.objects.create(id=row.pk, topic_id=topic.pk, kind=kind, heading=row.heading, body="Text.",
                                         status="published", last_updated=last_updated, created_at=imported_on,
                                         updated_at=imported_on, history_date=imported_on, history_type="+",
                                         history_user_id=editor, language="en")
        return row.pk

    invented = section(medquad, "overview", imported_on.date())
    from_source = section(medquad, "cause", date(2016, 9, 29))  # a GARD page's date on a MedQuAD topic
    editors = section(medquad, "treatment", imported_on.date(), editor=django_user_model.objects.create(
        username="ed").pk)
    page = section(gard_page, "overview", imported_on.date())  # no MedQuAD id: the page dated it

    apps = migrate(latest())
    Section = apps.get_model("library", "Section")
    dates = dict(Section.objects.values_list("pk", "last_updated"))
    assert dates[invented] is None
    assert dates[from_source] == date(2016, 9, 29)
    assert dates[editors] == imported_on.date()
    assert dates[page] == imported_on.date()
    StandardText = apps.get_model("library", "StandardText")
    texts = StandardText.objects.filter(kind__in=["no_information", "referral", "not_medical_advice"],
                                        is_default=True)
    assert sorted(texts.values_list("kind", "language")) == [
        ("no_information", "en"), ("no_information", "es"), ("not_medical_advice", "en"),
        ("not_medical_advice", "es"), ("referral", "en"), ("referral", "es")]
    assert all(text.body.strip() for text in texts)


def test_it_lets_an_editor_change_a_no_match_text_in_the_admin(lee, login, no_match_texts):
    lee.is_staff = True
    lee.save()
    text = StandardText.objects.get(kind="referral", language="es", is_default=True)
    client = login(lee)
    assert client.get(f"/admin/library/standardtext/{text.pk}/change/").status_code == 200
    response = client.post(f"/admin/library/standardtext/{text.pk}/change/", {
        "kind": "referral", "language": "es", "name": text.name, "body": "Consulte a su médico.",
        "is_default": "on", "_save": "Save"})
    assert response.status_code == 302
    text.refresh_from_db()
    assert text.body == "Consulte a su médico."
    assert text.history.first().history_user == lee


@pytest.mark.django_db(transaction=True)
def test_it_forgets_invented_dates_in_unsent_letters_only(django_user_model):
    apps = migrate(latest(replies="0005_answered_letter"))
    Section = apps.get_model("library", "Section")
    Inquiry = apps.get_model("inquiries", "Inquiry")
    Reply = apps.get_model("replies", "Reply")
    ReplyBlock = apps.get_model("replies", "ReplyBlock")
    author = apps.get_model("auth", "User").objects.create(username="ann")
    topic = apps.get_model("library", "Topic").objects.create(name="Urachal cyst", gard_id=9999)
    section = Section.objects.create(topic=topic, kind="overview", heading="What is it?", body="Text.",
                                     status="published", last_updated=None, language="es")
    requester = apps.get_model("inquiries", "Requester").objects.create(name="Jane")
    blocks = {}
    for status in ("drafting", "sent"):
        inquiry = Inquiry.objects.create(reference=f"T-{status}", requester=requester, question="Q?",
                                         due_date=date(2026, 12, 1))
        reply = Reply.objects.create(inquiry=inquiry, author=author, status=status, title="T")
        blocks[status] = ReplyBlock.objects.create(reply=reply, position=0, kind="section", section=section,
                                                   heading="What is it?", body="Text.",
                                                   last_updated=date(2026, 11, 20)).pk

    apps = migrate(latest())
    ReplyBlock = apps.get_model("replies", "ReplyBlock")
    rows = {pk: ReplyBlock.objects.get(pk=pk) for pk in blocks.values()}
    assert rows[blocks["drafting"]].last_updated is None
    assert rows[blocks["sent"]].last_updated == date(2026, 11, 20)  # as it was sent
    assert {row.language for row in rows.values()} == {"es"}
