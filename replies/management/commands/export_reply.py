from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.letter.exports import EXPORTERS, export_reply
from replies.models import Reply


class Command(BaseCommand):
    help = "Write a reply as PDF, .eml, HTML or plain text."

    def add_arguments(self, parser):
        parser.add_argument("reply_id", type=int)
        parser.add_argument("--format", required=True, choices=sorted(EXPORTERS))
        parser.add_argument("--output", required=True, help="file to write ('-' for standard output)")

    def handle(self, *args, reply_id, format, output, **options):
        try:
            reply = Reply.objects.select_related("inquiry__requester").get(pk=reply_id)
        except Reply.DoesNotExist as exc:
            raise CommandError(f"No reply with id {reply_id}") from exc
        data = export_reply(reply, format)
        if output == "-":
            self.write_stdout(data, text=format in ("txt", "html"))
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"wrote {len(data)} bytes to {output}")

    def write_stdout(self, data: bytes, *, text: bool) -> None:
        if text:
            self.stdout.write(data.decode("utf-8"))
            return
        binary = getattr(self.stdout, "buffer", None)  # a PDF or .eml goes past the text layer, as bytes
        if binary is None:
            raise CommandError("This output cannot take binary data: write to a file with --output FILE.")
        self.stdout.flush()
        binary.write(data)
        binary.flush()
