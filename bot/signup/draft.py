"""The registration (or application, or profile edit) being written, in the conversation."""

from typing import Literal

from pydantic import Field

from bot.drafts import ConversationDraft
from events.inputs import ParticipantDetails
from events.models import Participant

# The event id in a draft (and in its buttons) while only the profile is being edited.
PROFILE_ONLY = 0

ProfileField = Literal["name", "country", "gender", "birth_year"]


class SignupDraft(ConversationDraft):
    """The profile answers, then the event's questions, until the person agrees.

    A profile field not set yet has not been asked; None means they skipped it.
    """

    key = "signup"

    event_id: int  # PROFILE_ONLY while only the profile is edited
    name: str = ""
    country: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    answers: dict[str, str | int | bool] = Field(default_factory=dict)
    index: int = 0  # of the next question to ask
    # In person or online, chosen at a hybrid event (None until chosen, or not asked).
    participation: str | None = None

    @classmethod
    def starting(cls, event_id: int, participant: Participant | None) -> "SignupDraft":
        """A new draft; a stored profile is taken as answered."""
        draft = cls(event_id=event_id, answers={}, index=0)
        if participant is not None and participant.name:
            draft.name = participant.name
            draft.country = participant.country
            draft.gender = participant.gender
            draft.birth_year = participant.birth_year
        return draft

    @property
    def profile_only(self) -> bool:
        return self.event_id == PROFILE_ONLY

    def asked(self, field: ProfileField) -> bool:
        return field in self.model_fields_set

    def answer(self, key: str, value: str | int | bool) -> None:
        """Record the answer to the current question and move to the next."""
        # A new dict, not an update in place: assigning marks the field as set (stored).
        self.answers = {**self.answers, key: value}
        self.index += 1

    def participant_details(self, language: str, telegram_user_id: int) -> ParticipantDetails:
        """The profile as the use cases take it; ``ValidationError`` if it does not fit."""
        return ParticipantDetails.model_validate(
            {
                "name": self.name,
                "language": language,
                "country": self.country,
                "gender": self.gender,
                "birth_year": self.birth_year,
                "telegram_user_id": telegram_user_id,
            }
        )
