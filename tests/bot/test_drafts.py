"""Drafts in the conversation data: typed, and stored in the same shape as before they
were typed, so a conversation in progress survives a deploy."""

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bot.broadcasts.draft import Composition
from bot.signup.draft import PROFILE_ONLY, SignupDraft


def _conversation() -> FSMContext:
    return FSMContext(MemoryStorage(), StorageKey(bot_id=1, chat_id=2, user_id=2))


async def test_a_signup_draft_tells_unasked_from_skipped() -> None:
    state = _conversation()
    draft = SignupDraft.starting(7, None)
    draft.name = "Ani"
    draft.gender = None  # "Prefer not to say"
    await draft.save(state)

    assert (await state.get_data())["signup"] == {
        "event_id": 7,
        "answers": {},
        "index": 0,
        "name": "Ani",
        "gender": None,
    }
    loaded = await SignupDraft.load(state)
    assert loaded is not None
    assert loaded.asked("gender")
    assert not loaded.asked("country")
    assert not loaded.asked("birth_year")


async def test_answers_are_kept_and_the_index_moves_on() -> None:
    state = _conversation()
    draft = SignupDraft.starting(7, None)
    draft.answer("motivation", "To meet my neighbours")
    draft.answer("visa", True)
    draft.answer("experience", 2)
    await draft.save(state)

    loaded = await SignupDraft.load(state)
    assert loaded is not None
    assert loaded.index == 3
    assert loaded.answers == {"motivation": "To meet my neighbours", "visa": True, "experience": 2}


async def test_a_draft_stored_by_the_untyped_version_still_loads() -> None:
    state = _conversation()
    stored = {
        "event_id": 7,
        "answers": {"track": "economy"},
        "index": 1,
        "name": "Ani",
        "country": "AM",
        "gender": "female",
        "birth_year": 2001,
        "known": True,
    }
    await state.update_data({"signup": stored})

    loaded = await SignupDraft.load(state)

    assert loaded is not None
    assert (loaded.country, loaded.birth_year, loaded.answers) == ("AM", 2001, stored["answers"])
    assert all(loaded.asked(field) for field in ("name", "country", "gender", "birth_year"))


async def test_what_does_not_fit_is_no_draft() -> None:
    state = _conversation()
    unfit: list[object] = [
        None,
        "signup",
        {"answers": {}},
        {"event_id": "seven"},
        {"event_id": []},
    ]
    for stored in unfit:
        await state.update_data({"signup": stored, "broadcast": stored})
        assert await SignupDraft.load(state) is None
        assert await Composition.load(state) is None


async def test_dropping_leaves_the_step_and_forgets_the_draft() -> None:
    state = _conversation()
    await state.set_state("SignupSteps:name")
    await SignupDraft(event_id=PROFILE_ONLY).save(state)
    await Composition(event_id=3, texts={}).save(state)

    await SignupDraft.drop(state)

    assert await state.get_state() is None
    assert await SignupDraft.load(state) is None
    assert await Composition.load(state) is not None  # another draft is not touched


async def test_a_broadcast_draft_keeps_its_texts_by_language() -> None:
    state = _conversation()
    draft = Composition(event_id=3, texts={})
    draft.audience, draft.language = "seats", "hy"
    draft.write("<b>Բարև</b>")
    draft.language = "ru"
    draft.write("Привет &amp; пока")
    await draft.save(state)

    assert (await state.get_data())["broadcast"] == {
        "event_id": 3,
        "texts": {"hy": "<b>Բարև</b>", "ru": "Привет &amp; пока"},
        "audience": "seats",
        "language": "ru",
    }
