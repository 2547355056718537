"""Uploads: the size limit, checked while the body streams in rather than after it is stored."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: a file past FILE_UPLOAD_MAX_BYTES is dropped at that byte.

    The handlers after it never get the rest (nothing over the limit is buffered or written
    to disk); the other form fields are still read, so the form comes back with what was
    typed and the field's name in request.oversized_uploads for its error message."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.FILE_UPLOAD_MAX_BYTES:
            self.request.oversized_uploads = [*getattr(self.request, "oversized_uploads", []), self.field_name]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
