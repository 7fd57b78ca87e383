"""Erasure reaches stored proposals: a forgotten person's age and score leave the inputs
a proposal recorded (country and gender stay, as on the registration itself).

Such a proposal no longer re-runs to its digest; its ``inputs["erased"]`` lists the
registrations whose details were removed, so a check can tell why.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import SelectionProposal

AGE, SCORE = 3, 5  # positions in an ``events.selection.audit_inputs`` row


async def forget_in_proposals(
    session: AsyncSession, event_ids: Collection[int], registration_ids: Collection[int]
) -> None:
    """Remove these registrations' age and score from the events' proposals (not
    committed: it goes with the erasure)."""
    if not registration_ids:
        return
    proposals = await session.scalars(
        select(SelectionProposal).where(SelectionProposal.event_id.in_(list(event_ids)))
    )
    keys = set(registration_ids)
    for proposal in proposals:
        inputs: dict[str, Any] = dict(proposal.inputs)
        touched = False
        for part in ("applicants", "held"):
            rows = []
            for row in inputs.get(part, []):
                if row[0] in keys:
                    row = [*row]
                    row[AGE] = None
                    row[SCORE] = None
                    touched = True
                rows.append(row)
            inputs[part] = rows
        if touched:
            inputs["erased"] = sorted(set(inputs.get("erased", [])) | (keys & _keys(inputs)))
            proposal.inputs = inputs


def _keys(inputs: dict[str, Any]) -> set[int]:
    return {int(row[0]) for part in ("applicants", "held") for row in inputs.get(part, [])}
