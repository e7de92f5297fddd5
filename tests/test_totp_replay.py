"""A TOTP code is accepted once only: the same code again is refused with a clear reason, the next
step's code is accepted, and two logins racing with one code cannot both get in."""

from __future__ import annotations

import datetime as dt

import pyotp
from sqlalchemy import select

from uncounted.records.accounts import authenticate, create_user, disable_totp, enable_totp
from uncounted.records.audit import verify
from uncounted.records.crypto import generate_key
from uncounted.records.models import AuditEntry, User

T0 = dt.datetime(2026, 11, 25, 12, 0, 0, tzinfo=dt.timezone.utc)  # the start of a 30-second step


def user_with_totp(ws, key: bytes, name: str = "synthetic-reviewer"):  # type: ignore[no-untyped-def]
    password = create_user(ws, name, "reviewer", actor="test")
    with ws.session() as s:
        secret, _ = enable_totp(s, name, key, actor="test")
    return name, password, pyotp.TOTP(secret)


def login(ws, key, name, password, code, when):  # type: ignore[no-untyped-def]
    with ws.session() as s:
        outcome = authenticate(s, name, password, code, key=key, when=when)
        return outcome.ok, outcome.reason, outcome.detail, outcome.message


def test_a_code_works_once_and_the_next_step_works(workspace) -> None:  # type: ignore[no-untyped-def]
    key = generate_key()
    name, password, totp = user_with_totp(workspace, key)
    code = totp.at(T0)
    assert login(workspace, key, name, password, code, T0)[0]
    again = login(workspace, key, name, password, code, T0 + dt.timedelta(seconds=5))
    assert again[:3] == (False, "bad_totp", "totp_reused")
    assert "already used" in again[3] and "next code" in again[3]
    # still inside the drift window a step later, the old code stays refused
    assert login(workspace, key, name, password, code, T0 + dt.timedelta(seconds=31))[2] == "totp_reused"
    nxt = totp.at(T0 + dt.timedelta(seconds=30))
    assert nxt != code
    assert login(workspace, key, name, password, nxt, T0 + dt.timedelta(seconds=31))[0]
    # an older step's code (valid for drift) is refused once a later step was accepted
    assert login(workspace, key, name, password, code, T0 + dt.timedelta(seconds=40))[2] == "totp_reused"
    with workspace.session() as s:
        stored = s.execute(select(User).where(User.username == name)).scalar_one()
        assert stored.totp_last_step == totp.timecode(T0) + 1
        reasons = [e.details for e in s.execute(select(AuditEntry).where(AuditEntry.action == "login_failed")
                                                .order_by(AuditEntry.seq)).scalars()]
        assert sum('"totp_reused"' in (d or "") for d in reasons) == 3
        assert verify(s).ok


def test_a_wrong_code_is_not_a_reuse_and_disabling_forgets_the_step(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = sqlite_workspace
    key = generate_key()
    name, password, totp = user_with_totp(ws, key)
    far = totp.at(T0 + dt.timedelta(minutes=10))
    assert login(ws, key, name, password, far, T0)[1:3] == ("bad_totp", None)
    assert login(ws, key, name, password, " ".join([totp.at(T0)[:3], totp.at(T0)[3:]]), T0)[0], \
        "a code typed with a space in the middle counts"
    with ws.session() as s:
        disable_totp(s, name, actor="test")
        assert s.execute(select(User.totp_last_step).where(User.username == name)).scalar_one() is None
        secret, _ = enable_totp(s, name, key, actor="test")
    assert login(ws, key, name, password, pyotp.TOTP(secret).at(T0), T0)[0], "a new secret starts afresh"


def test_two_logins_racing_with_one_code(workspace) -> None:  # type: ignore[no-untyped-def]
    """The second login read the user before the first one recorded the step; the conditional
    update still lets only one of them in."""
    key = generate_key()
    name, password, totp = user_with_totp(workspace, key, "synthetic-racer")
    code = totp.at(T0)
    with workspace.session() as second:
        stale = second.execute(select(User).where(User.username == name)).scalar_one()
        assert stale.totp_last_step is None
        with workspace.session() as first:
            assert authenticate(first, name, password, code, key=key, when=T0).ok
        late = authenticate(second, name, password, code, key=key, when=T0)
    assert not late.ok and late.detail == "totp_reused"


def test_the_api_refuses_a_replayed_code(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    from uncounted.server.testing import make_site

    key = generate_key()
    site = make_site(sqlite_workspace, key, users=False)
    name, password, totp = user_with_totp(sqlite_workspace, key, "synthetic-api-user")
    now = dt.datetime.now(dt.timezone.utc)
    body = {"username": name, "password": password}
    code = totp.at(now)
    assert site.client().post("/api/login", json={**body, "totp_code": code}).status_code == 200
    replay = site.client().post("/api/login", json={**body, "totp_code": code})
    assert replay.status_code == 401 and replay.json()["error"]["details"]["reason"] == "bad_totp"
    assert replay.json()["error"]["details"]["detail"] == "totp_reused"
    assert "already used" in replay.json()["error"]["message"]
    nxt = totp.at(now + dt.timedelta(seconds=30))  # the next step is within the accepted drift
    assert site.client().post("/api/login", json={**body, "totp_code": nxt}).status_code == 200


def test_migration_0004_adds_and_removes_the_column(workspace) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from uncounted.records.migrate import alembic_config, current_revision

    create_user(workspace, "synthetic-kept", "viewer", actor="test")
    config = alembic_config(workspace.engine)
    command.downgrade(config, "0003")
    columns = {c["name"] for c in inspect(workspace.engine).get_columns("users")}
    assert "totp_last_step" not in columns and current_revision(workspace.engine) == "0003"
    workspace.upgrade()
    columns = {c["name"] for c in inspect(workspace.engine).get_columns("users")}
    head = ScriptDirectory.from_config(config).get_current_head()
    assert "totp_last_step" in columns and current_revision(workspace.engine) == head
    with workspace.session() as s:
        kept = s.execute(select(User).where(User.username == "synthetic-kept")).scalar_one()
        assert kept.totp_last_step is None
