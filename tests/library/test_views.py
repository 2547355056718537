import json
from datetime import date

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from library.views import topic_autocomplete
from tests.conftest import make_reference, make_section, make_topic


def library():
    sclero = make_topic("Scleromyxedema", synonyms=["Arndt-Gottron disease"])
    ref = make_reference(text="Koronowska SK. Scleromyxedema. 2013.")
    overview = make_section(sclero, "overview", "What is scleromyxedema?", "A **rare** disorder.[@koronowska2013]")
    overview.references.add(ref)
    make_section(sclero, "treatment", "How might scleromyxedema be treated?", "IVIG may help.[@koronowska2013]",
                 last_updated=date(2016, 9, 29))
    make_section(sclero, "cause", "What causes it, draft?", "Unknown.", status="draft")
    return sclero


def test_it_searches_topics_and_sections(alice, login):
    library()
    response = login(alice).get("/desk/library/", {"q": "scleromyxoedema"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Scleromyxedema" in content and 'id="topic-results"' in content
    response = login(alice).get("/desk/library/", {"q": "IVIG"})
    assert "How might scleromyxedema be treated?" in response.content.decode()
    assert "9/29/2016" in response.content.decode()
    assert "stale" in response.content.decode()  # 2016 is older than the threshold


def test_it_shows_a_topic_with_its_published_sections_in_order(alice, login):
    topic = library()
    response = login(alice).get(f"/desk/library/topics/{topic.pk}/")
    content = response.content.decode()
    assert content.index("What is scleromyxedema?") < content.index("How might scleromyxedema be treated?")
    assert "draft?" not in content
    assert "<strong>rare</strong>" in content and 'href="#ref-1"' in content
    assert content.count("Koronowska SK. Scleromyxedema. 2013.") == 1


def test_it_shows_a_topic_in_a_fixed_number_of_queries(alice, login):
    topic = library()
    client = login(alice)
    client.get(f"/desk/library/topics/{topic.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/desk/library/topics/{topic.pk}/")
    make_section(topic, "symptoms", "Signs?", "More.[@koronowska2013]").references.add(*topic.sections.first()
                                                                                      .references.all())
    with CaptureQueriesContext(connection) as more:
        client.get(f"/desk/library/topics/{topic.pk}/")
    assert len(more) == len(few)


def test_it_answers_404_for_a_missing_topic(alice, login):
    assert login(alice).get("/desk/library/topics/999/").status_code == 404


def test_it_refuses_anonymous_and_roleless_users(client, charlie, login):
    assert client.get("/desk/library/").status_code == 302
    assert login(charlie).get("/desk/library/").status_code == 403
    assert login(charlie).get("/desk/library/suggest.json", {"q": "x"}).status_code == 403


def test_it_refuses_post(alice, login):
    assert login(alice).post("/desk/library/", {"q": "x"}).status_code == 405


def test_it_gives_suggestions_as_json(alice, login):
    library()
    response = login(alice).get("/desk/library/suggest.json", {"q": "What causes scleromyxedema?"})
    data = response.json()
    assert data["topics"][0]["name"] == "Scleromyxedema"
    assert data["kinds"] == ["cause"]


def test_it_autocompletes_topic_names_for_the_public(db):
    library()
    for n in range(12):
        make_topic(f"Sclerosis type {n}")
    request = RequestFactory().get("/ask/topics.json", {"q": "scler"})
    response = topic_autocomplete(request)
    data = json.loads(response.content)
    assert set(data) == {"topics"}
    assert len(data["topics"]) == 10
    assert all(isinstance(name, str) for name in data["topics"])
    assert "public" in response["Cache-Control"]
    assert json.loads(topic_autocomplete(RequestFactory().get("/", {"q": "s"})).content) == {"topics": []}
    assert topic_autocomplete(RequestFactory().post("/", {"q": "scler"})).status_code == 405
