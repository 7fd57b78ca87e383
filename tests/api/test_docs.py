"""``/docs`` and ``/redoc`` work without internet: every URL their pages load is the
app's own, and each answers with the asset and its content type.

There is no browser in the suite, so this reads the pages as HTML: the scripts, styles,
icons and the OpenAPI URL they name (``src``, ``href`` and Swagger UI's ``url``).
"""

import re

import httpx
import pytest

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # no database involved

_REFERENCE = re.compile(r"""(?:\bsrc|\bhref|\burl|spec-url)\s*[=:]\s*["']([^"']+)["']""")
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}


def _references(html: str) -> list[str]:
    return _REFERENCE.findall(html)


@pytest.mark.parametrize(
    ("page", "expected", "marker"),
    [
        (
            "/docs",
            {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png", "openapi.json"},
            b"SwaggerUIBundle",
        ),
        ("/redoc", {"redoc.standalone.js", "favicon.png", "openapi.json"}, b"Redoc"),
    ],
)
async def test_the_docs_pages_load_only_the_apps_own_assets(
    api: httpx.AsyncClient, page: str, expected: set[str], marker: bytes
) -> None:
    answer = await api.get(page)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    references = _references(answer.text)
    assert {reference.rsplit("/", 1)[-1] for reference in references} == expected, references
    # Offline means no other host: no scheme, no protocol-relative //host, no fonts.
    assert [ref for ref in references if not ref.startswith("/") or ref.startswith("//")] == []
    assert "googleapis" not in answer.text
    assert "cdn." not in answer.text

    for reference in references:
        asset = await api.get(reference)
        assert asset.status_code == 200, reference
        suffix = reference[reference.rindex(".") :]
        content_type = asset.headers["content-type"].split(";")[0]
        assert content_type in CONTENT_TYPES[suffix], (reference, content_type)
        assert len(asset.content) > 1000, reference
    script = next(reference for reference in references if reference.endswith(".js"))
    assert marker in (await api.get(script)).content


async def test_swagger_ui_asks_no_public_validator(api: httpx.AsyncClient) -> None:
    # Its badge would send the document's address to validator.swagger.io.
    assert '"validatorUrl": null' in (await api.get("/docs")).text


async def test_the_docs_pages_are_not_operations_of_the_api(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]
