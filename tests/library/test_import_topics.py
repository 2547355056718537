import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from library.gard_list import gard_diseases
from library.models import Topic

DISEASES = [
    {"id": 7615, "name": "Scleromyxedema", "encodedName": "scleromyxedema",
     "synonyms": ["Arndt-Gottron disease"], "diseaseCategories": ["Skin Diseases"]},
    {"id": 9181, "name": "Familial abdominal aortic aneurysm", "encodedName": "x", "synonyms": ["AAA"]},
    {"id": 1, "name": "Plain disease", "encodedName": "plain"},
]


def run(tmp_path, diseases=DISEASES) -> str:
    path = tmp_path / "diseases.json"
    path.write_text(json.dumps(diseases), encoding="utf-8")
    out = StringIO()
    call_command("import_topics", "--file", str(path), stdout=out)
    return out.getvalue()


def test_it_reads_the_gard_package_without_network():
    diseases = gard_diseases(None)
    assert len(diseases) == 5958
    assert {"id", "name"} <= set(diseases[0])


def test_it_loads_topics_with_synonyms_and_categories(db, tmp_path):
    assert run(tmp_path).startswith("imported 3 topics")
    topic = Topic.objects.get(gard_id=7615)
    assert topic.synonyms == ["Arndt-Gottron disease"]
    assert topic.categories == ["Skin Diseases"]


def test_it_merges_by_gard_id_and_adopts_an_unnumbered_topic_of_the_same_name(db, tmp_path):
    Topic.objects.create(name="Abdominal aortic aneurysm", gard_id=9181, synonyms=["Aneurysm, abdominal aortic"])
    Topic.objects.create(name="Scleromyxedema")  # as import_gard makes it
    run(tmp_path)
    assert Topic.objects.count() == 3
    aaa = Topic.objects.get(gard_id=9181)
    assert aaa.name == "Abdominal aortic aneurysm"
    assert aaa.synonyms == ["Aneurysm, abdominal aortic", "Familial abdominal aortic aneurysm", "AAA"]
    assert Topic.objects.get(name="Scleromyxedema").gard_id == 7615


def test_it_changes_nothing_the_second_time(db, tmp_path):
    run(tmp_path)
    before = list(Topic.objects.values().order_by("pk"))
    assert run(tmp_path).splitlines() == ["imported 0 topics", "unchanged 3 topics"]
    assert list(Topic.objects.values().order_by("pk")) == before


def test_it_refuses_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.json"):
        call_command("import_topics", "--file", str(path), stdout=StringIO())
