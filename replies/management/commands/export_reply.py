from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.exports import EXPORTERS, export_reply
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
            self.stdout.write(data.decode("utf-8") if format in ("txt", "html") else repr(data[:0]))
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"wrote {len(data)} bytes to {output}")
