"""Who is acting: the principal an organiser use case checks and the audit log names.

Its own module so that ``events.access`` (which makes principals from tokens) and
``events.audit`` (which records what they did) both import it, and not each other.
"""

from dataclasses import dataclass, field

from events.enums import Role
from events.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of an organiser use case."""

    actor: str  # how the audit log names them, e.g. "token:3" or "system"
    role: Role
    programme_ids: frozenset[int] = field(default_factory=frozenset)
    # A checker's programmes live apart from ``programme_ids`` so that no rule that
    # grants organisers something can grant it to a checker by mistake.
    check_in_programme_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_checker(self) -> bool:
        return self.role is Role.CHECKER

    def can_manage(self, programme_id: int) -> bool:
        return self.is_admin or programme_id in self.programme_ids

    def ensure_manages(self, programme_id: int) -> None:
        if not self.can_manage(programme_id):
            raise Forbidden("this programme is not one of yours")

    def can_check_in(self, programme_id: int) -> bool:
        return self.can_manage(programme_id) or programme_id in self.check_in_programme_ids

    def ensure_checks_in(self, programme_id: int) -> None:
        if not self.can_check_in(programme_id):
            raise Forbidden("this programme is not one of yours")

    def ensure_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("only an admin may do this")
