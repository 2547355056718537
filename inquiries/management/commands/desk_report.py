import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from inquiries.forms import ReportForm
from inquiries.reports import report_rows, rows_csv


class Command(BaseCommand):
    help = "Print the supervisors' report (the figures of /desk/reports/) for inquiries received in a period."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, date_from: str, date_to: str, format: str, **options):
        form = ReportForm({"date_from": date_from, "date_to": date_to})
        if not form.is_valid():
            raise CommandError(" ".join(error for errors in form.errors.values() for error in errors))
        rows = report_rows(form.cleaned_data["date_from"], form.cleaned_data["date_to"])
        if format == "json":
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2, default=dt.date.isoformat))
        else:
            self.stdout.write(rows_csv(rows, bom=False), ending="")
