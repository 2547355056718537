"""What an inquiry attachment may be: the one rule for staff uploads and for files that arrive
by email. The list of types is documented in README.md ("Attachments")."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError

# The kinds of file an inquiry may arrive as; the content type we store and serve is ours,
# never the one the sender claimed.
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".txt": "text/plain",
    ".rtf": "application/rtf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".eml": "message/rfc822",
}


def attachment_type(name: str) -> str | None:
    """The content type of an allowed attachment name, None for any other."""
    return ATTACHMENT_TYPES.get(os.path.splitext(name.lower())[1])


def attachment_too_large() -> str:
    return f"The file is larger than {settings.FILE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB."


def validate_attachment(*, name: str, size: int) -> None:
    """Raise ValidationError (with a code) when a file may not be kept with an inquiry."""
    if size > settings.FILE_UPLOAD_MAX_BYTES:
        raise ValidationError(attachment_too_large(), code="too_large")
    if not name.strip():
        raise ValidationError("The file has no name.", code="no_name")
    if attachment_type(name) is None:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(f"This kind of file cannot be attached. Allowed: {allowed}.", code="file_type")
