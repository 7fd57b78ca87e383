"""The answers given so far, kept in the conversation until the survey is sent: what is
stored for good is written once, by ``events.feedback.answers.submit_answer``."""

from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.context import FSMContext

from bot.feedback.states import DRAFT_KEY


@dataclass
class SurveyDraft:
    invitation_id: int
    rating: int
    answers: dict[str, Any] = field(default_factory=dict)
    # The question asked now (an index into the survey's questions).
    index: int = 0

    async def save(self, state: FSMContext) -> None:
        await state.update_data(
            {
                DRAFT_KEY: {
                    "id": self.invitation_id,
                    "rating": self.rating,
                    "answers": self.answers,
                    "index": self.index,
                }
            }
        )

    @classmethod
    async def load(
        cls, state: FSMContext, invitation_id: int | None = None
    ) -> "SurveyDraft | None":
        """The draft; None if there is none, or it is of another survey than the button's."""
        raw = (await state.get_data()).get(DRAFT_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            draft = cls(
                int(raw["id"]), int(raw["rating"]), dict(raw["answers"]), int(raw["index"])
            )
        except (KeyError, TypeError, ValueError):
            return None
        if invitation_id is not None and draft.invitation_id != invitation_id:
            return None
        return draft

    @staticmethod
    async def drop(state: FSMContext) -> None:
        await state.update_data({DRAFT_KEY: None})
        await state.set_state(None)
