"""Signing in (a one-time link from the bot, or a Mini App's initData), out, and the
language of the pages."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from events.dashboard_sign_in import (
    MAX_SECRET_LENGTH,
    InitDataReplayed,
    SignInRefused,
    choose_language,
    end_session,
    redeem_sign_in_link,
    remember_init_data,
    sign_in_link_language,
    start_session,
)
from web.mini_app import MAX_INIT_DATA_LENGTH, InitDataRefused, checked_init_data
from web.routing import DashboardRoute, pages_of, refusal_page, translator_for
from web.session import (
    checked_form,
    clear_session_cookie,
    config_of,
    current_viewer,
    form_text,
    in_mini_app,
    require_viewer,
    set_mini_app_cookie,
    set_session_cookie,
)

router = APIRouter(route_class=DashboardRoute)
HOME = "/dashboard"


@router.get("/dashboard/sign-in")
async def sign_in_page(request: Request) -> Response:
    """How to sign in: ask the bot for a link (or open the Mini App)."""
    viewer = await current_viewer(request)
    if viewer is not None:
        return RedirectResponse(HOME, status_code=303)
    t = translator_for(request, viewer)
    return pages_of(request).render(request, "sign_in.html", t, None)


@router.get("/dashboard/sign-in/{token}")
async def sign_in_link_page(request: Request, token: str) -> Response:
    """The link from the bot shows a button; pressing it signs in. A GET changes nothing,
    so Telegram's link preview robot (which fetches links shown in a chat) cannot use up
    the one-time link before the organiser opens it."""
    config = config_of(request)
    async with config.sessionmaker() as session:
        language = await sign_in_link_language(session, config.clock(), token)
    t = (
        pages_of(request).catalogues.translator(language)
        if language and "lang" not in request.query_params
        else translator_for(request, None)
    )
    context = {"token": token[:MAX_SECRET_LENGTH]}
    return pages_of(request).render(request, "sign_in_link.html", t, None, context)


@router.post("/dashboard/sign-in/{token}")
async def sign_in_with_link(request: Request, token: str) -> Response:
    config = config_of(request)
    async with config.sessionmaker() as session:
        try:
            grant = await redeem_sign_in_link(session, config.clock(), token)
            opened = await start_session(
                session,
                config.clock(),
                grant.telegram_user_id,
                config.session_lifetime,
                grant.language,
            )
        except SignInRefused:
            return await refusal_page(request, 403, "link")
    response = RedirectResponse(HOME, status_code=303)
    set_session_cookie(response, config, opened)
    return response


@router.get("/dashboard/app")
async def mini_app_page(request: Request) -> Response:
    """The Mini App's start: Telegram's script hands the page its initData, which the
    page posts to sign in (this one page needs JavaScript: only it can read initData)."""
    t = translator_for(request, None)
    return pages_of(request).render(request, "mini_app.html", t, None, {"mini_app": True})


@router.post("/dashboard/app/sign-in")
async def sign_in_with_init_data(
    request: Request, init_data: Annotated[str, Form(max_length=MAX_INIT_DATA_LENGTH)] = ""
) -> Response:
    config = config_of(request)
    if config.bot_token is None:
        return await refusal_page(request, 403, "mini_app")
    now = config.clock()
    try:
        user = checked_init_data(config.bot_token, init_data, now, config.init_data_max_age)
    except InitDataRefused:
        return await refusal_page(request, 403, "mini_app")
    async with config.sessionmaker() as session:
        try:
            await remember_init_data(session, now, user.signed_hash, user.valid_until)
            opened = await start_session(
                session, now, user.telegram_user_id, config.session_lifetime, user.language_code
            )
        except (InitDataReplayed, SignInRefused):
            return await refusal_page(request, 403, "mini_app")
    response = RedirectResponse(HOME, status_code=303)
    set_session_cookie(response, config, opened, framed=True)
    set_mini_app_cookie(response, config)
    return response


@router.post("/dashboard/sign-out")
async def sign_out(request: Request) -> Response:
    viewer = await require_viewer(request)
    await checked_form(request, viewer)
    config = config_of(request)
    async with config.sessionmaker() as session:
        await end_session(session, viewer.session_secret)
    response = RedirectResponse("/dashboard/sign-in", status_code=303)
    clear_session_cookie(response, config, framed=in_mini_app(request))
    return response


@router.post("/dashboard/language")
async def switch_language(request: Request) -> Response:
    viewer = await require_viewer(request)
    form = await checked_form(request, viewer)
    config = config_of(request)
    async with config.sessionmaker() as session:
        await choose_language(session, viewer.session_secret, form_text(form, "language", 8))
    back = form_text(form, "next", 500)
    # Only back to a dashboard page: the field must not send people elsewhere.
    if not back.startswith(HOME) or "//" in back or "\\" in back:
        back = HOME
    return RedirectResponse(back, status_code=303)
