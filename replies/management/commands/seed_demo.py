"""Load the demo: staff accounts, the example library and a few inquiries. Idempotent."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from inquiries import services as inquiry_services
from inquiries.models import Inquiry, Requester
from lib import roles
from library.models import Letterhead, StandardText, Topic
from replies.composer.services import reply_start

DEMO_PASSWORD = "replydesk-demo"  # noqa: S105 (demo accounts for a local trial only)
# The library is edited in the admin, which only staff accounts (is_staff) may enter.
DEMO_USERS = [
    ("specialist", "Dana Specialist", [roles.SPECIALIST]),
    ("reviewer", "Rita Reviewer", [roles.SPECIALIST, roles.REVIEWER]),
    ("supervisor", "Sam Supervisor", [roles.SPECIALIST, roles.SUPERVISOR]),
    ("editor", "Lee Editor", [roles.LIBRARY_EDITOR]),
]
DEMO_DATA = Path(settings.BASE_DIR) / "library" / "demo"
EXAMPLE_LETTER = DEMO_DATA / "gard-scleromyxedema.txt"
MEDQUAD = DEMO_DATA / "medquad"

# Standard texts the example letter does not carry: a greeting, and the Spanish set.
DEMO_STANDARD_TEXTS = [
    ("greeting", "en", "Standard greeting", "Dear {requester_name},"),
    ("letterhead", "es", "Membrete", "Centro de Información sobre Enfermedades Genéticas y Raras"),
    ("greeting", "es", "Saludo", "Estimado/a {requester_name}:"),
    (
        "closing",
        "es",
        "Cierre",
        "Esperamos que esta información le sea útil. Le recomendamos hablar de esta información con su "
        "médico. Si tiene más preguntas, por favor contáctenos.",
    ),
    ("signature", "es", "Firma", "Saludos cordiales,\nEspecialista en información de GARD"),
    ("disclaimer", "es", "Aviso legal", "Consulte nuestro aviso legal."),
]

# Text modules: paragraphs inserted while editing a block (::counselor then Tab).
DEMO_TEXT_MODULES = [
    ("en", "counselor", "Genetic counselor",
     "A genetic counselor can help you understand how {topic} is inherited and what it means for your family."),
    ("es", "consejero", "Asesor genético",
     "Un asesor genético puede ayudarle a entender cómo se hereda {topic} y qué significa para su familia."),
]
# The letterhead of the demo center (invented; a center sets its own in the admin).
DEMO_LETTERHEAD = {
    "name": "Rare Disease Information Center",
    "postal_address": "100 Example Avenue\nBethesda, MD 20892",
    "telephone": "1-800-555-0100",
    "web_address": "https://replydesk.example.org",
}
# Postal addresses of demo requesters, so that a PDF letter shows the window-envelope block.
DEMO_ADDRESSES = {"maria.lopez@example.org": "12 Elm Street\nSpringfield, IL 62704"}

# (name, email, question, what happens to it)
DEMO_INQUIRIES = [
    ("Maria Lopez", "maria.lopez@example.org", "What causes scleromyxedema and how is it treated?", "drafting"),
    ("John Carter", "john.carter@example.org",
     "My sister was just diagnosed with scleromyxedema. What are the signs and symptoms we should watch for?",
     "assigned"),
    ("Ana Silva", "ana.silva@example.org",
     "Is scleromyxedema inherited? I worry about passing it on to my children.", "new"),
    ("Peter Novak", "peter.novak@example.org",
     "Can you tell me how Alport syndrome is diagnosed and what the outlook is?", "new"),
    ("Chen Wei", "chen.wei@example.org",
     "We are looking for information about treatment options for achondroplasia in children.", "waiting"),
    ("Buy Now", "promo@example.org", "Cheap watches, best prices, click the link to order today!!!", "spam"),
]


class Command(BaseCommand):
    help = "Load the demo library, inquiries and staff accounts (safe to run again)."

    def handle(self, *args, **options):
        users = {username: self.ensure_user(username, full_name, role_names)
                 for username, full_name, role_names in DEMO_USERS}
        self.load_library()
        if not Letterhead.objects.exists():
            Letterhead.objects.create(**DEMO_LETTERHEAD)
        self.load_inquiries(users["specialist"])
        self.stdout.write(f"Demo login: specialist / {DEMO_PASSWORD}  (also reviewer, supervisor, editor)")

    def ensure_user(self, username: str, full_name: str, role_names: list[str]) -> User:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = roles.LIBRARY_EDITOR in role_names
            user.save(update_fields=["password", "is_staff"])
        user.groups.add(*Group.objects.filter(name__in=role_names))
        return user

    def load_library(self) -> None:
        call_command("import_gard", str(EXAMPLE_LETTER), stdout=self.stdout)
        call_command("import_medquad", str(MEDQUAD), stdout=self.stdout)
        for kind, language, name, body in DEMO_STANDARD_TEXTS:
            has_default = StandardText.objects.filter(kind=kind, language=language, is_default=True).exists()
            StandardText.objects.get_or_create(
                kind=kind, language=language, name=name, defaults={"body": body, "is_default": not has_default}
            )
        for language, shortcut, name, body in DEMO_TEXT_MODULES:
            StandardText.objects.get_or_create(
                language=language, shortcut=shortcut,
                defaults={"kind": StandardText.Kind.PARAGRAPH, "name": name, "body": body},
            )

    @transaction.atomic
    def load_inquiries(self, specialist: User) -> None:
        for name, email, question, fate in DEMO_INQUIRIES:
            if Requester.objects.filter(email=email).exists():
                continue
            inquiry = inquiry_services.inquiry_create(
                name=name,
                email=email,
                question=question,
                postal_address=DEMO_ADDRESSES.get(email, ""),
                consent_to_keep=True,
            )
            self.move(inquiry, fate, specialist)

    def move(self, inquiry: Inquiry, fate: str, specialist: User) -> None:
        if fate == "new":
            return
        if fate == "spam":
            inquiry_services.inquiry_close_without_reply(
                inquiry=inquiry, reason=Inquiry.CloseReason.SPAM, by=specialist, note="Advertising."
            )
            return
        inquiry_services.inquiry_take(inquiry=inquiry, by=specialist)
        if fate == "waiting":
            inquiry_services.inquiry_wait(inquiry=inquiry, by=specialist, note="Asked which child, and their age.")
        elif fate == "drafting":
            if not inquiry.topics.exists():
                inquiry.topics.add(*Topic.objects.filter(name="Scleromyxedema"))
            reply_start(inquiry=inquiry, by=specialist, sections="all")
