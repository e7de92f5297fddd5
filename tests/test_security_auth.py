"""Logins and sessions: CSRF, session fixation, cookie flags, lockout, throttling, TOTP, audit entries."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from uncounted.records.accounts import AccountError, create_user, enable_totp
from uncounted.records.crypto import generate_key
from uncounted.records.models import AuditEntry, User
from uncounted.server.testing import make_site


@pytest.fixture(scope="module")
def shared(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One workspace and app for the whole module (argon2 hashing is slow on purpose)."""
    from uncounted.records.workspace import Workspace
    ws = Workspace.init(tmp_path_factory.mktemp("auth") / "ws")
    yield ws, make_site(ws, generate_key())
    ws.dispose()


@pytest.fixture
def site(shared):  # type: ignore[no-untyped-def]
    site = shared[1]
    site.app.state.sessions._failures.clear()
    return site


@pytest.fixture
def sqlite_workspace(shared):  # type: ignore[no-untyped-def]
    return shared[0]


def own_user(site, ws, role: str) -> str:  # type: ignore[no-untyped-def]
    """A fresh user for a test that changes the account (lockout, TOTP, role)."""
    import uuid
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    site.passwords[name] = create_user(ws, name, role, actor="test")
    return name


def actions(ws) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    with ws.session() as s:
        return [(e.actor, e.action, e.object_id) for e in s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]


def page_login(client, username: str, password: str, token: str | None = None):  # type: ignore[no-untyped-def]
    form = client.get("/login")
    found = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert found
    return client.post("/login", data={"login_token": token if token is not None else found.group(1),
                                       "username": username, "password": password})


# ---- CSRF -------------------------------------------------------------------------------------------

def test_api_write_without_csrf_token_is_rejected(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = site.login("documenter")
    body = {"name": "SYNTHETIC csrf source", "kind": "other"}
    no_token = client.post("/api/sources", json=body)
    assert no_token.status_code == 403 and no_token.json()["error"]["code"] == "csrf_failed"
    wrong = client.post("/api/sources", json=body, headers={"X-CSRF-Token": csrf[:-2] + "xx"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "csrf_failed"
    other_client, other_csrf = site.login("admin")
    assert other_csrf != csrf
    foreign = client.post("/api/sources", json=body, headers={"X-CSRF-Token": other_csrf})
    assert foreign.status_code == 403, "a token from another session must not work"
    ok = client.post("/api/sources", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text


def test_form_post_without_csrf_token_is_rejected(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = site.login("admin")
    form = {"username": "csrf-victim", "role": "viewer"}
    assert client.post("/admin/users", data=form).status_code == 403
    assert client.post("/admin/users", data={**form, "csrf_token": "nope"}).status_code == 403
    assert client.post("/admin/users", data={**form, "csrf_token": csrf}).status_code == 200
    page = client.get("/admin/users")
    assert 'name="csrf_token" value="%s"' % csrf in page.text, "every form carries the session's token"


def test_login_form_needs_its_double_submit_token(site) -> None:  # type: ignore[no-untyped-def]
    client = site.client()
    forged = page_login(client, "admin", site.passwords["admin"], token="forged-token")
    assert forged.status_code == 403
    assert not any(c.startswith("uncounted_session") for c in client.cookies.keys())
    good = page_login(site.client(), "admin", site.passwords["admin"])
    assert good.status_code == 303


# ---- sessions and cookies --------------------------------------------------------------------------

def test_login_rotates_the_session_no_fixation(site) -> None:  # type: ignore[no-untyped-def]
    attacker, _ = site.login("viewer")
    planted = attacker.cookies.get("uncounted_session")
    victim = site.client()
    victim.cookies.set("uncounted_session", planted)  # the attacker plants their cookie
    response = page_login(victim, "admin", site.passwords["admin"])
    assert response.status_code == 303
    new = response.cookies.get("uncounted_session")
    assert new and new != planted, "login must issue a brand-new session id"
    # the planted cookie is still the viewer's session, never the admin's
    attacker_view = attacker.get("/api/me").json()
    assert attacker_view["username"] == "viewer"


def test_logout_ends_the_session_server_side(site) -> None:  # type: ignore[no-untyped-def]
    client, csrf = site.login("analyst")
    cookie = client.cookies.get("uncounted_session")
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    replay = site.client()
    replay.cookies.set("uncounted_session", cookie)
    assert replay.get("/api/me").status_code == 401, "a copied cookie must die with the session"


def test_forged_or_tampered_cookie_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    client, _ = site.login("admin")
    cookie = client.cookies.get("uncounted_session")
    token, _, signature = cookie.rpartition(".")
    flipped = ("y" if cookie[0] == "x" else "x") + cookie[1:]
    for bad in (token + ".AAAA", flipped, "garbage", token):
        other = site.client()
        other.cookies.set("uncounted_session", bad)
        assert other.get("/api/me").status_code == 401


def test_cookie_flags(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    secure = make_site(sqlite_workspace, generate_key(), secure_cookies=True, users=False)
    password = own_user(secure, sqlite_workspace, "viewer")
    client = secure.client()
    response = client.post("/api/login", json={"username": password, "password": secure.passwords[password]})
    header = response.headers["set-cookie"]
    assert header.startswith("__Host-uncounted=")
    lowered = header.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "secure" in lowered and "path=/" in lowered
    assert "domain=" not in lowered
    plain = make_site(sqlite_workspace, generate_key(), users=False)
    response = plain.client().post("/api/login", json={"username": password, "password": secure.passwords[password]})
    lowered = response.headers["set-cookie"].lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "secure" not in lowered


def test_security_headers(site) -> None:  # type: ignore[no-untyped-def]
    response = site.client().get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


# ---- lockout and throttling --------------------------------------------------------------------

def test_lockout_after_five_failures(site, sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    reviewer = own_user(site, sqlite_workspace, "reviewer")
    client = site.client()
    for attempt in range(5):
        response = client.post("/api/login", json={"username": reviewer, "password": f"wrong-{attempt}"})
        assert response.status_code == 401
    assert response.json()["error"]["details"]["reason"] == "locked"
    right = client.post("/api/login", json={"username": reviewer, "password": site.passwords[reviewer]})
    assert right.status_code == 401 and right.json()["error"]["details"]["reason"] == "locked", \
        "the right password must not open a locked account"
    with sqlite_workspace.session() as s:
        user = s.execute(select(User).where(User.username == reviewer)).scalar_one()
        assert user.locked_until is not None
    log = actions(sqlite_workspace)
    assert sum(1 for a in log if a[1] == "login_failed" and a[2] == reviewer) == 6
    assert ("system", "account_locked", reviewer) in log
    # an admin unlocks it
    admin, csrf = site.login("admin")
    assert admin.post(f"/api/users/{reviewer}/unlock", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.post("/api/login", json={"username": reviewer,
                                           "password": site.passwords[reviewer]}).status_code == 200


def test_unknown_user_and_wrong_password_look_the_same(site) -> None:  # type: ignore[no-untyped-def]
    client = site.client()
    a = client.post("/api/login", json={"username": "nobody-here", "password": "whatever-123"})
    b = client.post("/api/login", json={"username": "viewer", "password": "whatever-123"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_failed_logins_from_one_address_are_throttled(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    site = make_site(sqlite_workspace, generate_key(), users=False)
    site.app.state.sessions.config.ip_attempts = 4
    client = site.client()
    codes = [client.post("/api/login", json={"username": f"u{i}", "password": "x" * 10}).status_code for i in range(6)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429]


# ---- TOTP -------------------------------------------------------------------------------------------

def test_totp_second_factor(site, sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    analyst = own_user(site, sqlite_workspace, "analyst")
    key = site.app.state.key()
    with sqlite_workspace.session() as s:
        secret, uri = enable_totp(s, analyst, key, actor="test")
    assert uri.startswith("otpauth://totp/")
    with sqlite_workspace.session() as s:
        stored = s.execute(select(User).where(User.username == analyst)).scalar_one().totp_secret_enc
    assert secret.encode() not in stored, "the TOTP secret is stored encrypted"
    client = site.client()
    body = {"username": analyst, "password": site.passwords[analyst]}
    missing = client.post("/api/login", json=body)
    assert missing.status_code == 401 and missing.json()["error"]["details"]["reason"] == "totp_required"
    wrong = client.post("/api/login", json={**body, "totp_code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 401 and wrong.json()["error"]["details"]["reason"] == "bad_totp"
    good = client.post("/api/login", json={**body, "totp_code": pyotp.TOTP(secret).now()})
    assert good.status_code == 200


# ---- passwords and audit --------------------------------------------------------------------------

def test_passwords_are_argon2_hashed(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    password = create_user(sqlite_workspace, "hashcheck", "viewer")
    with sqlite_workspace.session() as s:
        stored = s.execute(select(User).where(User.username == "hashcheck")).scalar_one().password_hash
    assert stored.startswith("$argon2id$") and password not in stored
    with pytest.raises(AccountError):
        create_user(sqlite_workspace, "shortpw", "viewer", "short")
    with pytest.raises(AccountError):
        create_user(sqlite_workspace, "badrole", "superuser")


def test_logins_and_failures_are_audited(site, sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    site.login("viewer")
    site.client().post("/api/login", json={"username": "viewer", "password": "not-the-password"})
    log = actions(sqlite_workspace)
    assert ("viewer", "login", "viewer") in log
    assert ("viewer", "login_failed", "viewer") in log
    with sqlite_workspace.session() as s:
        details = [e.details or "" for e in s.execute(select(AuditEntry)).scalars()]
    assert not any("not-the-password" in d for d in details), "passwords never reach the audit log"


def test_role_change_ends_existing_sessions(site) -> None:  # type: ignore[no-untyped-def]
    documenter = own_user(site, site.app.state.ws, "documenter")
    victim, _ = site.login(documenter)
    assert victim.get("/api/sources").status_code == 200
    admin, csrf = site.login("admin")
    assert admin.post(f"/api/users/{documenter}/role", json={"role": "viewer"},
                      headers={"X-CSRF-Token": csrf}).status_code == 200
    assert victim.get("/api/sources").status_code == 401


def test_open_redirect_after_login_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    client = site.client()
    form = client.get("/login?next=//evil.example/x")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
    response = client.post("/login", data={"login_token": token, "username": "admin",
                                           "password": site.passwords["admin"], "next": "https://evil.example/"})
    assert response.status_code == 303 and response.headers["location"] == "/"
