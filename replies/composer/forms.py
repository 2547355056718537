"""Composer forms. Every form that changes a reply carries the version the editor started from."""

from django import forms
from django.core.exceptions import ValidationError

from lib.markup import validate_markdown
from library.models import Section, StandardText, Topic

from ..models import AnsweredLetter


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StartForm(forms.Form):
    SECTIONS = [("none", "Standard texts only"), ("auto", "Draft from suggestions")]

    sections = forms.ChoiceField(choices=SECTIONS, initial="none", required=False)
    title = forms.CharField(max_length=1000, required=False)

    def clean_sections(self) -> str:
        return self.cleaned_data["sections"] or "none"


class TitleForm(VersionForm):
    title = forms.CharField(max_length=1000, strip=True)


class BlockEditForm(VersionForm):
    heading = forms.CharField(max_length=500, required=False, strip=True)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), required=False, strip=False,
                           help_text="Markdown. Cite references as [@key].", validators=[validate_markdown])


class CustomBlockForm(VersionForm):
    heading = forms.CharField(max_length=500, required=False, strip=True)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=False, validators=[validate_markdown])

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError("Write the paragraph first.", code="empty")
        return body


class AddSectionForm(VersionForm):
    section = forms.ModelChoiceField(queryset=Section.objects.filter(status=Section.Status.PUBLISHED))


class AddStandardForm(VersionForm):
    standard_text = forms.ModelChoiceField(queryset=StandardText.objects.all())


class SubmitForm(VersionForm):
    confirm_languages = forms.BooleanField(required=False)


class UseTopicForm(VersionForm):
    topic = forms.ModelChoiceField(queryset=Topic.objects.all())


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RefreshForm(VersionForm):
    confirm = forms.BooleanField(required=False)


class ReturnForm(VersionForm):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=True)


class StartFromLetterForm(VersionForm):
    letter = forms.ModelChoiceField(queryset=AnsweredLetter.objects.select_related("reply"),
                                    error_messages={"invalid_choice": "That letter is not in the archive."})


class KindForm(forms.Form):
    """One click in the suggestion panel: the question asks for this kind, or it does not."""

    kind = forms.ChoiceField(choices=[(k, label) for k, label in Section.Kind.choices if k != Section.Kind.OTHER])
    asked = forms.TypedChoiceField(choices=[("1", "asks"), ("0", "does not ask")], coerce=lambda value: value == "1")


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False)
