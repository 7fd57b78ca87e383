"""Something a person is writing over several messages (an application, a broadcast), kept
as a typed model in the conversation data, so a missing or mistyped key is a type error
rather than a ``KeyError`` in a handler."""

from typing import ClassVar, Self

from aiogram.fsm.context import FSMContext
from pydantic import BaseModel, ConfigDict, ValidationError


class ConversationDraft(BaseModel):
    """A draft stored under ``key`` in the conversation data.

    Only the fields that were set are stored, so a subclass can tell a step not taken yet
    (absent) from one answered with nothing (None) through ``model_fields_set``.
    """

    # Assignments are checked too: a draft never holds a value of the wrong type.
    model_config = ConfigDict(validate_assignment=True)

    key: ClassVar[str]

    @classmethod
    async def load(cls, state: FSMContext) -> Self | None:
        """The draft, or None if there is none or what is stored does not fit (a
        conversation from an older version, or dropped)."""
        stored = await state.get_value(cls.key)
        if not isinstance(stored, dict):
            return None
        try:
            return cls.model_validate(stored)
        except ValidationError:
            return None

    async def save(self, state: FSMContext) -> None:
        await state.update_data({self.key: self.model_dump(mode="json", exclude_unset=True)})

    @classmethod
    async def drop(cls, state: FSMContext) -> None:
        """Leave the conversation's step and forget the draft."""
        await state.set_state(None)
        await state.update_data({cls.key: None})
