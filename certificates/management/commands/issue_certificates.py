"""Issue certificates for sessions whose attendance was closed before certificates existed (or whose job failed).

    manage.py issue_certificates [--session ID ...] [--send]

Idempotent: a session's existing certificates are left as they are. Messages go out only with --send
(people trained long ago may not expect one).
"""

from django.core.management.base import BaseCommand

from certificates.models import Certificate
from certificates.services import certificates_deliver, certificates_issue_for_session
from sessions_app.models import TrainingSession


class Command(BaseCommand):
    help = "Issue the missing certificates of sessions whose attendance is closed."

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int, action="append", help="only these session ids")
        parser.add_argument("--send", action="store_true", help="also send each new certificate's link")

    def handle(self, *args, session=None, send=False, **options):
        sessions = TrainingSession.objects.filter(attendance_closed_at__isnull=False).order_by("pk")
        if session:
            sessions = sessions.filter(pk__in=session)
        made = []
        for session_id in sessions.values_list("pk", flat=True).iterator():
            made += certificates_issue_for_session(session_id=session_id)
        sent = certificates_deliver(certificate_ids=made) if send else 0
        total = Certificate.objects.count()
        self.stdout.write(f"{len(made)} certificates issued, {sent} messages queued; {total} certificates in all.")
