"""The dashboard's page of a programme's reported alumni contact requests: the note that
was sent, escaped, newest first; only for the programme's organisers."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.alumni.connections import report_request, request_contact
from events.alumni.profiles import set_audience
from events.alumni.visibility import Audience
from tests.alumni_support import confirmed_alumnus, past_edition
from tests.factories import create_programme
from tests.web.over_http import cookie_header, dashboard_over_http, make_organiser, sign_in

MINE, STRANGER = 7_400_001, 7_400_002
NOTE = "Hello <b>friend</b> & more"


async def test_organisers_read_the_reports_of_their_programme_only(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        await create_programme(session, now, "school")
        await create_programme(session, now, "concerts")
        edition = await past_edition(session, now, "school")
        ani = await confirmed_alumnus(session, now, [("school", edition)], "Ani")
        leyla = await confirmed_alumnus(session, now, [("school", edition)], "Leyla")
        await set_audience(session, now, leyla.participant_id, "name", Audience.ALL)
        request = await request_contact(
            session, now, ani.participant_id, leyla.participant_id, NOTE, None
        )
        await report_request(session, now, leyla.participant_id, request.id)
    await make_organiser(sessionmaker, MINE, "school")
    await make_organiser(sessionmaker, STRANGER, "concerts")

    async with dashboard_over_http(sessionmaker, "http://127.0.0.1:8000") as client:
        mine = cookie_header(await sign_in(client, MINE))
        overview = await client.get("/dashboard", headers=mine)
        url = "/dashboard/programmes/school/alumni/reports"
        assert url in overview.text
        page = await client.get(url, headers=mine)
        stranger = cookie_header(await sign_in(client, STRANGER))
        refused = await client.get(url, headers=stranger)
        unknown = await client.get("/dashboard/programmes/no-such/alumni/reports", headers=mine)
        signed_out = await client.get(url)

    assert page.status_code == 200
    assert "Hello &lt;b&gt;friend&lt;/b&gt; &amp; more" in page.text
    assert NOTE not in page.text
    assert "Reported contact requests" in page.text
    assert ">Ani<" in page.text
    assert ">Leyla<" in page.text
    assert refused.status_code == 403
    assert "friend" not in refused.text
    assert unknown.status_code == 404
    assert signed_out.status_code == 403
    assert "friend" not in signed_out.text
