from django import forms
from django.core.exceptions import ValidationError

from ..models import LIVE_DELIVERY_STATUSES, Delivery, Reply


class SendForm(forms.Form):
    EMAIL = Delivery.Method.EMAIL

    method = forms.ChoiceField(choices=Delivery.Method.choices, widget=forms.RadioSelect)
    attach_pdf = forms.BooleanField(required=False, initial=True, label="Attach the letter as a PDF")
    confirm_stale = forms.BooleanField(required=False, label="Send it although some sections are stale")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reply: Reply, **kwargs):
        super().__init__(*args, **kwargs)
        self.reply = reply
        requester = reply.inquiry.requester
        has_email = bool(requester.email) and not requester.anonymised_at
        emailed = reply.deliveries.filter(method=Delivery.Method.EMAIL, status__in=LIVE_DELIVERY_STATUSES).exists()
        email_first = has_email and not emailed
        self.fields["method"].initial = Delivery.Method.EMAIL if email_first else Delivery.Method.LETTER
        self.fields["version"].initial = reply.version

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if version is not None and version != self.reply.version:
            raise ValidationError(
                "The reply changed since this page was loaded (or it was sent already): check it again.",
                code="version",
            )
        return version

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"method": data["method"], "attach_pdf": data["attach_pdf"], "confirm_stale": data["confirm_stale"]}


class BulkForm(forms.Form):
    reply = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; bulk_export_start checks that each is a printable reply.
        values = self.data.getlist("reply") if hasattr(self.data, "getlist") else []
        self.fields["reply"].choices = [(v, v) for v in values if str(v).isdigit()]
