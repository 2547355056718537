"""What an inquiry attachment may be: the one rule for staff uploads and for files that arrive
by email."""

from django.core.exceptions import ValidationError

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def validate_attachment(*, name: str, size: int) -> None:
    """Raise ValidationError (with a code) when a file may not be kept with an inquiry."""
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError("The file is larger than 20 MB.", code="too_large")
    if not name.strip():
        raise ValidationError("The file has no name.", code="no_name")
