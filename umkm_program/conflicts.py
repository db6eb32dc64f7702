"""The stale-edit check shared by every editing service (sessions, roadshows, participants)."""


class EditConflict(Exception):
    """Someone else saved the row since the user loaded it; `current_version` is theirs when the row keeps one."""

    def __init__(self, current_version: int | None = None):
        super().__init__(current_version)
        self.current_version = current_version
