"""Errors the core raises on purpose, with text safe to show a member."""


class UserError(Exception):
    """A problem with what the member asked for; ``message`` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(UserError):
    """The thing the member named does not exist (unknown article, closed flag, ...)."""


class ConfigurationError(Exception):
    """Start-up configuration is wrong; ``message`` is one sentence for the admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_error_id() -> str:
    """Short id shown to the member and written to the log, to match a report to a traceback."""
    import secrets

    return secrets.token_hex(4)
