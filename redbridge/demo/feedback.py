"""The demo's feedback: last summer's school was surveyed (anonymously, the default),
and most of its fictional alumni answered, each in their own language, so that the
results an organiser sees are not empty. The answers go through the survey's own use
case, as if each person had answered in the bot."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from events.feedback.answers import SurveyResponse, submit_answer
from events.feedback.invitations import record_invitations
from events.models import Event

# By alumnus (the order of ``redbridge.demo.alumni.ALUMNI``): a rating and a comment in
# the language they use; people left out were asked and did not answer.
ANSWERS: dict[int, tuple[int, str]] = {
    0: (5, "Շատ լավ կազմակերպված էր։ Ամենաշատը հավանեցի խմբային նախագծերը։"),
    1: (4, "Բովանդակալից դասընթացներ էին, բայց ազատ ժամանակը քիչ էր։"),
    2: (5, ""),
    3: (4, "Կցանկանայի ավելի շատ գործնական աշխատանք։"),
    5: (3, ""),
    6: (5, "Yeni dostlar qazandım. Seminarlar çox faydalı idi."),
    7: (4, "Proqram zəngin idi, amma gündəlik cədvəl bir az sıx idi."),
    8: (5, ""),
    10: (4, "Mentorlarla görüşlər xüsusilə maraqlı idi."),
    12: (5, "ძალიან კარგი ორგანიზება და მეგობრული გარემო."),
    13: (4, "სემინარები საინტერესო იყო, მეტი დისკუსია მინდოდა."),
    14: (5, ""),
    16: (3, "საცხოვრებელი პირობები შეიძლება გაუმჯობესდეს."),
    18: (5, "Отличная программа, спасибо организаторам!"),
    19: (4, "Было бы хорошо получить материалы заранее."),
    21: (5, ""),
    22: (4, "Интересные спикеры и хорошая атмосфера."),
    24: (5, "The group projects were the highlight for me."),
    25: (4, "Great sessions; a little more free time would help."),
    27: (2, "The schedule changed too often without notice."),
    28: (5, ""),
}


async def load_feedback(
    session: AsyncSession, now: datetime, event: Event, participant_ids: list[int]
) -> int:
    """Ask the edition's alumni about it and store the answers of those in ``ANSWERS``;
    how many answered."""
    invitations = await record_invitations(session, now, event, participant_ids)
    await session.commit()
    for index, (rating, comment) in ANSWERS.items():
        person = participant_ids[index]
        response = SurveyResponse(rating, {}, comment)
        await submit_answer(session, now, person, invitations[person], response)
    return len(ANSWERS)
