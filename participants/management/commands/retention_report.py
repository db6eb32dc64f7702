from django.core.management.base import BaseCommand

from participants.services.retention import import_rows_drop_old, retention_erase_due, retention_report


class Command(BaseCommand):
    help = (
        "Dry run of the retention job: per programme, when its participants' personal data is due for erasure, "
        "and how many participants and uploaded lists would be erased or dropped today. --apply does it now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="erase and drop what is due now (all batches)")

    def handle(self, *args, apply=False, **options):
        report = retention_report()
        self.stdout.write(f"Retention report for {report['today']:%Y-%m-%d} (nothing changed)")
        for item in report["programmes"]:
            p = item.programme
            if item.erase_after is None:
                when = "no retention period set: kept"
            else:
                when = f"erase after {item.erase_after:%Y-%m-%d}" + (" (due)" if item.due else "")
            self.stdout.write(f"  {p.name}: ended {p.ends_on:%Y-%m-%d}, {when}")
        self.stdout.write(f"Participants due for erasure today: {report['participants_due']}")
        self.stdout.write(
            f"Uploaded lists older than {report['import_rows_days']} days whose rows would be dropped: "
            f"{report['import_files_due']}"
        )
        if not apply:
            return
        dropped = import_rows_drop_old()
        erased = total = retention_erase_due()
        while erased:
            erased = retention_erase_due()
            total += erased
        self.stdout.write(self.style.SUCCESS(f"Erased {total} participants; dropped the rows of {dropped} uploaded lists."))
