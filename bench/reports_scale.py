"""Scale check for the supervisors' report (/desk/reports/).

Loads 1,000 and then 100,000 inquiries (the data of bench/inquiries_scale.py: three years,
300 topics, five channels; here also five specialists) into separate SQLite files under var/,
then prints the median latency and the SQL query count of the report page for the last
twelve months and for all three years, and of its CSV export.

    .venv/bin/python bench/reports_scale.py [--sizes 1000,100000] [--repeat 5]

Aim: the same query count at both sizes (every figure is a database aggregate).
"""

import io
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
SPECIALISTS = 5


def pages() -> dict:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    three_years = f"date_from={today - dt.timedelta(days=3 * 365):%Y-%m-%d}&date_to={today:%Y-%m-%d}"
    return {
        "report 12 months": "/desk/reports/",
        "report 3 years": f"/desk/reports/?{three_years}",
        "CSV 3 years": f"/desk/reports/export.csv?{three_years}",
    }


def run_size(n: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db.models import F
    from django.test import Client
    from inquiries_scale import load_inquiries, measure

    from inquiries.models import Inquiry, Requester
    from lib import roles

    load_inquiries(n, f"bench_reports_{n}")
    people = []
    for i in range(SPECIALISTS):
        person = User.objects.create_user(f"specialist{i}", f"s{i}@example.org", "x")
        person.groups.add(Group.objects.get(name=roles.SPECIALIST))
        people.append(person)
    for i, person in enumerate(people):
        Inquiry.objects.annotate(slot=F("id") % SPECIALISTS).filter(slot=i).update(assignee=person)
    roles_cycle = [value for value, _label in Requester.Role.choices]
    for i, role in enumerate(roles_cycle):
        Requester.objects.annotate(slot=F("id") % len(roles_cycle)).filter(slot=i).update(role=role)

    supervisor = User.objects.create_user("bench", "bench@example.org", "x")
    supervisor.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    client = Client()
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    result = {"n": Inquiry.objects.count()}
    for name, url in pages().items():
        result[name] = measure(client, url, repeat)["warm"]
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    start = time.perf_counter()
    call_command("desk_report", "--from", f"{today - dt.timedelta(days=3 * 365 + 1)}", "--to", f"{today}",
                 "--format", "json", stdout=io.StringIO())
    result["command_seconds"] = time.perf_counter() - start
    return result


def main() -> None:
    from inquiries_scale import runs_per_size

    results = []
    for result in runs_per_size(__doc__, __file__, "bench_reports", run_size, repeat=5):
        results.append(result)
        print(f"{result['n']:>7} inquiries:")
        for name in [key for key in result if key not in ("n", "command_seconds")]:
            median, count = result[name]
            print(f"         {name:<17} median {median:8.1f} ms, {count} queries")
        print(f"         desk_report (3 years, json): {result['command_seconds']:.2f} s")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(f"\n{large['n']} vs {small['n']}:")
        for name in [key for key in small if key not in ("n", "command_seconds")]:
            same = "same" if small[name][1] == large[name][1] else "DIFFERENT"
            print(f"  {name:<17} query count {same} ({small[name][1]} / {large[name][1]}),"
                  f" latency ratio {large[name][0] / small[name][0]:.1f}")


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    sys.path.insert(0, str(BASE_DIR / "bench"))
    main()
