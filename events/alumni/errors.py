"""Refusals of the alumni network. None says more than its reader may know: a hidden, a
blocked and an erased person are all just ``PersonUnavailable``."""

from events.errors import Conflict, DomainError, Forbidden, InvalidInput


class NotAnAlumnus(Forbidden):
    """The directory is for confirmed alumni only."""

    code = "not_an_alumnus"


class PersonUnavailable(DomainError):
    """Hidden from the asker, blocked either way, erased or unknown: the same answer."""

    code = "person_unavailable"


class OwnProfile(DomainError):
    """A request to oneself."""

    code = "own_profile"


class RequestLimitReached(Conflict):
    code = "request_limit_reached"


class AlreadyAsked(Conflict):
    """A request between the two exists already (pending, accepted, or declined: a
    declined request is never repeated)."""

    code = "already_asked"

    def __init__(self, state: str) -> None:
        super().__init__(f"a request between you is {state}")
        self.state = state


class InvalidRows(InvalidInput):
    """Rows of an import that cannot be taken, each named ``line N: field``."""

    code = "invalid_input"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        summary = "; ".join(f"{field}: {why}" for field, why in problems[:5])
        super().__init__(problems[0][0], summary)
        self.problems = problems
