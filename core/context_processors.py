"""The status enums, for templates to compare with (`row.status == AttendanceStatus.ATTENDED`) instead of string
literals that a renamed value would silently stop matching. Django's choices enums are not called by templates."""

from certificates.models import CertificateStatus
from participants.models import AttendanceStatus, ProposalStatus
from sessions_app.models import SessionStatus
from users.models import Role


def status_enums(request):
    return {
        "AttendanceStatus": AttendanceStatus,
        "CertificateStatus": CertificateStatus,
        "ProposalStatus": ProposalStatus,
        "Role": Role,
        "SessionStatus": SessionStatus,
    }
