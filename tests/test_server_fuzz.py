"""Property-based fuzzing of the JSON API from its own OpenAPI description (schemathesis).

Every operation gets a few generated requests, sent as a logged-in admin with the CSRF header;
none may produce a server error (5xx other than the documented 503 "no key"), and every error
must have the one error shape. Bounded: about 8 examples per operation (a few hundred in all).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from uncounted.records.crypto import generate_key
from uncounted.server import synthetic
from uncounted.server.testing import make_site

EXCLUDED = {("POST", "/api/logout")}  # would end the fuzzing session itself


def build_site() -> tuple:  # type: ignore[type-arg]
    """A SYNTHETIC workspace and a logged-in admin, made once at collection (schemathesis reads the
    schema from the app when the module loads)."""
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from uncounted.records.accounts import create_user
    from uncounted.records.workspace import Workspace
    folder = tempfile.mkdtemp(prefix="uncounted-fuzz-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # made at collection: no fixture removes it
    ws = Workspace.init(Path(folder) / "ws")
    key = generate_key()
    synthetic.fill(ws, key)
    site = make_site(ws, key, users=False)
    password = create_user(ws, "fuzz-admin", "admin")
    client, csrf = site.login("fuzz-admin", password)
    return site, {"uncounted_session": client.cookies.get("uncounted_session")}, csrf


SITE, COOKIES, CSRF = build_site()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", SITE.app)


@pytest.fixture
def fuzz_site():  # type: ignore[no-untyped-def]
    return SITE, COOKIES, CSRF


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case, fuzz_site) -> None:  # type: ignore[no-untyped-def]
    if (case.method.upper(), case.path) in EXCLUDED:
        pytest.skip("ends the session")
    _, cookies, csrf = fuzz_site
    response = case.call(headers={"X-CSRF-Token": csrf}, cookies=cookies)
    if response.status_code >= 500:
        body = response.json() if "json" in response.headers.get("content-type", [""])[0] else {}
        assert response.status_code == 503 and body["error"]["code"] in ("no_key",), response.text[:500]
    if response.status_code >= 400 and "json" in str(response.headers.get("content-type", "")):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    case.validate_response(response, checks=[not_a_server_error]) if response.status_code < 500 else None
