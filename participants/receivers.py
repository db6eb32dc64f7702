"""How participants follows the apps below it: receivers of their domain events (connected in ParticipantsConfig.ready)."""

from sessions_app.events import session_changed


def on_session_changed(sender, *, session_id: int, moved: bool, **kwargs) -> None:
    """A moved session can change whose first attendance it is: recount its people in a task."""
    if moved:
        from .tasks import counted_attendance_follow_session_task

        counted_attendance_follow_session_task.delay(session_id)


def connect() -> None:
    session_changed.connect(on_session_changed, dispatch_uid="participants.on_session_changed")
