from django import forms
from django.core.exceptions import ValidationError

from lib.markup import citation_keys
from library.importing import free_reference_key
from library.models import Letterhead, Reference, Section
from library.placeholders import PLACEHOLDERS
from library.services import references_for


def with_picked_citations(body: str, picked) -> str:
    """The body, with a citation appended for each picked reference it does not cite yet."""
    cited = set(citation_keys(body))
    extra = "".join(f"[@{ref.key}]" for ref in picked if ref.key not in cited)
    return body.rstrip() + extra if extra else body


class SectionAdminForm(forms.ModelForm):
    keep_date = forms.BooleanField(
        required=False,
        label="Keep the date (a typo fix)",
        help_text='Leave unticked and a changed body moves "Last updated" to today.',
    )

    class Meta:
        model = Section
        fields = ["topic", "kind", "language", "heading", "body", "references", "status"]
        help_texts = {
            "references": "Pick references by their text. A picked reference the body does not cite yet is "
            "cited at the end of the body; the body's citations decide the list.",
        }

    def clean(self):
        data = super().clean()
        if "body" in data:
            data["body"] = with_picked_citations(data["body"], data.get("references") or [])
            try:
                references_for(data["body"])
            except ValidationError as error:
                self.add_error("body", error)
        return data


class ReferenceAdminForm(forms.ModelForm):
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = Reference
        fields = ["text", "key", "url", "pmid", "doi"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = "Cited in bodies as [@key]. Leave empty: made from the first author and year."

    def clean(self):
        data = super().clean()
        if not data.get("key") and data.get("text"):
            data["key"] = free_reference_key(data["text"])
        return data


PLACEHOLDER_HELP = "Placeholders: " + ", ".join(f"{{{name}}} ({text.lower()})" for name, text in PLACEHOLDERS.items())


LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class LetterheadAdminForm(forms.ModelForm):
    logo_upload = forms.ImageField(
        required=False, label="Logo", help_text="PNG or JPEG, at most 512 KB; shown about 18 mm high."
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    web_address = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Letterhead
        fields = ["name", "postal_address", "telephone", "web_address"]

    def clean_logo_upload(self):
        upload = self.cleaned_data["logo_upload"]
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError("The logo is larger than 512 KB.", code="too_large")
        if upload.image.format not in LOGO_TYPES:  # set by ImageField's check with Pillow
            raise ValidationError("The logo must be a PNG or JPEG image.", code="image_type")
        return upload

    def save(self, commit=True):
        letterhead = super().save(commit=False)
        upload = self.cleaned_data.get("logo_upload")
        if upload:
            upload.seek(0)
            letterhead.logo, letterhead.logo_type = upload.read(), LOGO_TYPES[upload.image.format]
        elif self.cleaned_data.get("remove_logo"):
            letterhead.logo, letterhead.logo_type = None, ""
        if commit:
            letterhead.save()
        return letterhead
