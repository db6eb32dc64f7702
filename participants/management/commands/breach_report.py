import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from participants.services.breach import breach_report


def _moment(text: str) -> dt.datetime:
    value = parse_datetime(text)
    if value is None and parse_date(text):
        value = dt.datetime.combine(parse_date(text), dt.time())  # type: ignore[arg-type]
    if value is None:
        raise CommandError(f"Not a date or time: {text!r} (use 2026-11-28 or 2026-11-28T14:00+07:00).")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Breach runbook step 1: from the audit log, which accounts were active and whose data was touched "
        "between --since and --until (UTC unless a zone is given). Ids only; see docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True)
        parser.add_argument("--until", required=True)
        parser.add_argument("--actor", action="append", help="only this account's actions (repeatable)")
        parser.add_argument("--ip", action="append", help="only actions from this address (repeatable)")
        parser.add_argument("--ids", action="store_true", help="list every touched participant id")

    def handle(self, *args, since, until, actor=None, ip=None, ids=False, **options):
        start, end = _moment(since), _moment(until)
        if end <= start:
            raise CommandError("--until must be after --since.")
        report = breach_report(since=start, until=end, actors=actor, addresses=ip)
        out = self.stdout.write
        out(f"Breach report {start.isoformat()} .. {end.isoformat()}: {report.events} audit events")
        for action, count in sorted(report.actions.items()):
            out(f"  {action}: {count}")
        out(f"Logins ({len(report.logins)}):")
        for when, who, where in report.logins:
            out(f"  {when} {who} from {where}")
        out(f"Failed logins ({len(report.failed_logins)}):")
        for when, who, where in report.failed_logins:
            out(f"  {when} {who} from {where}")
        out(f"Lists exported ({len(report.exports)}):")
        for export in report.exports:
            out(
                f"  {export['when']} {export['who']} from {export['from']}: {export.get('what')} "
                f"({export.get('format')}, {export.get('rows')} rows)"
            )
        out(f"Uploaded lists imported: {', '.join(map(str, report.imports)) or '-'}")
        out(f"Participants acted on one by one: {len(report.participants_acted_on)}")
        out(f"Participants in the exporting accounts' scope: {len(report.participants_in_exports)}")
        out(f"Participants whose data the incident may have touched: {len(report.participants_touched)}")
        if ids:
            out("Participant ids: " + " ".join(map(str, sorted(report.participants_touched))))
