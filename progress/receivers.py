"""How progress follows the apps below it: receivers of their domain events (connected in ProgressConfig.ready).

A receiver holds no logic: it hands the event's ids to a service, which records the touched
slices and queues the refresh task.
"""

from participants.events import counts_changed
from sessions_app.events import session_changed

from .services import progress_slices_mark


def on_counts_changed(sender, *, programme_id: int, slices: list, sessions: list | None = None, **kwargs) -> None:
    progress_slices_mark(programme_id=programme_id, slices=sessions if sessions is not None else slices)


def on_session_changed(sender, *, programme_id: int, session_id: int, slices: list, **kwargs) -> None:
    progress_slices_mark(programme_id=programme_id, slices=[[*item, session_id] for item in slices])


def connect() -> None:
    counts_changed.connect(on_counts_changed, dispatch_uid="progress.on_counts_changed")
    session_changed.connect(on_session_changed, dispatch_uid="progress.on_session_changed")
