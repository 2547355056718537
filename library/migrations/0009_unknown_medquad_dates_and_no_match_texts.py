"""Two data changes that go with 0008.

1. Dates nobody knows become unknown. MedQuAD gives no dates, yet its sections were stamped
   with the day of the import. Such a section: its topic has a GARD id (MedQuAD documents carry
   one; the GARD text importer does not set it), its date is the day the row was created, and no
   person ever saved it (every history row has no user). A GARD text page dates its sections
   itself and an editor's save records the editor, so neither is touched.
2. The standard paragraphs for a question the library cannot answer, in English and Spanish.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

NO_MATCH_TEXTS = {
    "no_information": {
        "en": "We are sorry, but we do not have information about this condition in our library yet. "
        "We have noted your question so that we can look into adding information about it.",
        "es": "Lo sentimos, pero todavía no tenemos información sobre esta enfermedad en nuestra biblioteca. "
        "Hemos anotado su pregunta para estudiar cómo añadir información sobre ella.",
    },
    "referral": {
        "en": "You may find reliable information from other reputable resources, such as MedlinePlus "
        "(https://medlineplus.gov), Orphanet (https://www.orpha.net) and patient organizations for this "
        "condition. A genetics professional, such as a genetic counselor, can talk with you about diagnosis, "
        "inheritance and testing; you can find one at https://findageneticcounselor.nsgc.org.",
        "es": "Puede encontrar información fiable en otros recursos reconocidos, como MedlinePlus en español "
        "(https://medlineplus.gov/spanish/), Orphanet (https://www.orpha.net) y las organizaciones de "
        "pacientes de esta enfermedad. Un profesional de la genética, como un asesor genético, puede hablar "
        "con usted sobre el diagnóstico, la herencia y las pruebas genéticas.",
    },
    "not_medical_advice": {
        "en": "This letter gives general information. It is not medical advice for any individual: please "
        "talk with your doctor or another health care professional about your own situation.",
        "es": "Esta carta ofrece información general. No es un consejo médico para ninguna persona en "
        "particular: hable con su médico u otro profesional de la salud sobre su situación.",
    },
}
NAMES = {"en": "Center standard", "es": "Texto del centro"}


def _imported_without_date(section, local) -> bool:
    created = section.created_at
    return section.last_updated in {created.date(), created.astimezone(local).date()}


def forget_invented_dates(apps, schema_editor):
    Section = apps.get_model("library", "Section")
    HistoricalSection = apps.get_model("library", "HistoricalSection")
    local = ZoneInfo(settings.TIME_ZONE)
    edited = set(HistoricalSection.objects.filter(history_user__isnull=False).values_list("id", flat=True))
    candidates = Section.objects.filter(topic__gard_id__isnull=False, last_updated__isnull=False)
    unknown = [
        s.pk for s in candidates.only("pk", "last_updated", "created_at").iterator()
        if s.pk not in edited and _imported_without_date(s, local)
    ]
    for start in range(0, len(unknown), 500):
        Section.objects.filter(pk__in=unknown[start : start + 500]).update(last_updated=None)


def add_no_match_texts(apps, schema_editor):
    StandardText = apps.get_model("library", "StandardText")
    for kind, bodies in NO_MATCH_TEXTS.items():
        for language, body in bodies.items():
            has_default = StandardText.objects.filter(kind=kind, language=language, is_default=True).exists()
            StandardText.objects.get_or_create(
                kind=kind, language=language, name=NAMES[language],
                defaults={"body": body, "is_default": not has_default},
            )


def remove_no_match_texts(apps, schema_editor):
    StandardText = apps.get_model("library", "StandardText")
    StandardText.objects.filter(kind__in=list(NO_MATCH_TEXTS), name__in=list(NAMES.values())).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0008_language_review_dates_no_match_texts")]

    operations = [
        # Backwards: the invented dates are not restored (nobody knows them); the column may stay null.
        migrations.RunPython(forget_invented_dates, migrations.RunPython.noop),
        migrations.RunPython(add_no_match_texts, remove_no_match_texts),
    ]
