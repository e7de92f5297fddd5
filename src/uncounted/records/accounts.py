"""Local accounts: users, roles, per-source grants, argon2 password hashes, TOTP, lockout.

    password = create_user(ws, "amina", "documenter")        # prints nothing; returns the password
    grant(ws, "amina", "HRCP list 2024")                       # may now see that source's reports
    set_role(ws, "amina", "reviewer")

Roles and what they may do are listed in ``ROLE_PERMISSIONS``; the web app checks these names
and nothing else. Every change here writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from uncounted.errors import UncountedError
from uncounted.records import audit
from uncounted.records.crypto import decrypt_bytes, encrypt_bytes
from uncounted.records.models import Source, SourceGrant, User, utcnow

if TYPE_CHECKING:
    from uncounted.records.workspace import Workspace

TOTP_DRIFT_STEPS = 1  # codes of the step before and after the current one are accepted too

ROLES = ("admin", "documenter", "reviewer", "analyst", "viewer")

# Permission names, one per kind of thing a route does.
AGGREGATES_READ = "aggregates:read"      # counts and estimates without names or list names
PERSONS_READ = "persons:read"            # names, reports, persons (only of granted sources)
SOURCES_READ = "sources:read"            # source names and documents
IMPORT = "import"                        # upload and import files, create sources
REPORTS_EDIT = "reports:edit"
SENSITIVE_READ = "sensitive:read"        # decrypt witness/contact/testimony fields (audited)
REVIEW = "review"                        # see and decide uncertain pairs
ESTIMATES_READ = "estimates:read"        # full estimate runs, with list names
ESTIMATES_RUN = "estimates:run"
CLAIMS_READ = "claims:read"
EVIDENCE_ADD = "evidence:add"
EVIDENCE_DOWNLOAD = "evidence:download"
USERS_MANAGE = "users:manage"
AUDIT_READ = "audit:read"

ALL_PERMISSIONS = (
    AGGREGATES_READ, PERSONS_READ, SOURCES_READ, IMPORT, REPORTS_EDIT, SENSITIVE_READ, REVIEW,
    ESTIMATES_READ, ESTIMATES_RUN, CLAIMS_READ, EVIDENCE_ADD, EVIDENCE_DOWNLOAD, USERS_MANAGE, AUDIT_READ,
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(ALL_PERMISSIONS),
    "documenter": frozenset({AGGREGATES_READ, PERSONS_READ, SOURCES_READ, IMPORT, REPORTS_EDIT,
                             SENSITIVE_READ, ESTIMATES_READ, EVIDENCE_ADD, EVIDENCE_DOWNLOAD}),
    "reviewer": frozenset({AGGREGATES_READ, PERSONS_READ, SOURCES_READ, REVIEW, ESTIMATES_READ,
                           EVIDENCE_DOWNLOAD}),
    "analyst": frozenset({AGGREGATES_READ, PERSONS_READ, SOURCES_READ, ESTIMATES_READ, ESTIMATES_RUN,
                          CLAIMS_READ}),
    "viewer": frozenset({AGGREGATES_READ}),
}

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verified against when the username does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("uncounted-dummy-password-for-timing")


class AccountError(UncountedError):
    """A user, role or grant request that cannot be done."""


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def has_permission(role: str, permission: str) -> bool:
    return permission in permissions_of(role)


# ---- passwords ----------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH} "
                           "(a phrase of four or more words is easy to remember and strong).")


def generate_password() -> str:
    return secrets.token_urlsafe(15)


# ---- users --------------------------------------------------------------------------------------

def check_username(username: str) -> str:
    if not USERNAME_RE.match(username or ""):
        raise AccountError(f"{username!r} is not a usable username: use letters, digits and . _ @ - "
                           "(up to 100 characters, starting with a letter or digit).")
    return username


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role; choose one of {', '.join(ROLES)}.")
    return role


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise AccountError(f"there is no user {username!r}; list users with `uncounted user list`.")
    return user


def add_user(session: Session, username: str, role: str, password: str | None = None, *,
             actor: str = "system") -> str:
    """Create a user inside the caller's transaction; return the password (generated if not given)."""
    check_username(username)
    check_role(role)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise AccountError(f"user {username!r} already exists; change the role with `uncounted user role`.")
    password = password if password is not None else generate_password()
    user = User(username=username, password_hash=hash_password(password), role=role,
                failed_logins=0, is_active=True)
    session.add(user)
    session.flush()
    audit.append(session, actor=actor, action="user_add", object_type="user", object_id=username,
                 details={"role": role})
    return password


def create_user(ws: "Workspace", username: str, role: str, password: str | None = None, *,
                actor: str | None = None) -> str:
    """Create a user in the workspace; return the password (a new random one if not given)."""
    with ws.session() as session:
        return add_user(session, username, role, password, actor=actor or ws.actor)


def change_role(session: Session, username: str, role: str, *, actor: str) -> None:
    user = get_user(session, username)
    old = user.role
    user.role = check_role(role)
    audit.append(session, actor=actor, action="user_role", object_type="user", object_id=username,
                 details={"from": old, "to": role})


def set_role(ws: "Workspace", username: str, role: str, *, actor: str | None = None) -> None:
    with ws.session() as session:
        change_role(session, username, role, actor=actor or ws.actor)


def change_password(session: Session, username: str, password: str, *, actor: str) -> None:
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    audit.append(session, actor=actor, action="user_password", object_type="user", object_id=username)


def set_active(session: Session, username: str, active: bool, *, actor: str) -> None:
    user = get_user(session, username)
    user.is_active = active
    audit.append(session, actor=actor, action="user_enable" if active else "user_disable",
                 object_type="user", object_id=username)


def unlock(session: Session, username: str, *, actor: str) -> None:
    user = get_user(session, username)
    user.failed_logins = 0
    user.locked_until = None
    audit.append(session, actor=actor, action="user_unlock", object_type="user", object_id=username)


def find_source(session: Session, source: str | int) -> Source:
    query = select(Source).where(Source.id == int(source)) if str(source).isdigit() \
        else select(Source).where(Source.name == source)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise AccountError(f"there is no source {source!r}; give its exact name or its number.")
    return found


def add_grant(session: Session, username: str, source: str | int, *, actor: str) -> None:
    user = get_user(session, username)
    src = find_source(session, source)
    exists = session.execute(select(SourceGrant.id).where(
        SourceGrant.user_id == user.id, SourceGrant.source_id == src.id)).first()
    if exists:
        return
    session.add(SourceGrant(user_id=user.id, source_id=src.id, granted_by=actor))
    audit.append(session, actor=actor, action="grant", object_type="user", object_id=username,
                 details={"source_id": src.id, "source": src.name})


def grant(ws: "Workspace", username: str, source: str | int, *, actor: str | None = None) -> None:
    """Let a user see one source's reports."""
    with ws.session() as session:
        add_grant(session, username, source, actor=actor or ws.actor)


def remove_grant(session: Session, username: str, source: str | int, *, actor: str) -> None:
    user = get_user(session, username)
    src = find_source(session, source)
    session.execute(delete(SourceGrant).where(SourceGrant.user_id == user.id, SourceGrant.source_id == src.id))
    audit.append(session, actor=actor, action="revoke", object_type="user", object_id=username,
                 details={"source_id": src.id, "source": src.name})


def revoke(ws: "Workspace", username: str, source: str | int, *, actor: str | None = None) -> None:
    with ws.session() as session:
        remove_grant(session, username, source, actor=actor or ws.actor)


def describe_users(session: Session) -> list[dict[str, Any]]:
    """Every user with role, state and granted sources (never the hash or the TOTP secret)."""
    users = session.execute(select(User).order_by(User.username)).scalars().all()
    grants = session.execute(select(SourceGrant.user_id, Source.name).join(
        Source, Source.id == SourceGrant.source_id)).all()
    by_user: dict[int, list[str]] = {}
    for user_id, name in grants:
        by_user.setdefault(user_id, []).append(name)
    now = utcnow()
    return [{
        "username": u.username, "role": u.role, "active": u.is_active,
        "totp": u.totp_secret_enc is not None,
        "locked": bool(u.locked_until and _aware(u.locked_until) > now),
        "failed_logins": u.failed_logins,
        "grants": sorted(by_user.get(u.id, [])),
        "created_at": u.created_at.isoformat() if u.created_at else None,
    } for u in users]


def list_users(ws: "Workspace") -> list[dict[str, Any]]:
    with ws.session() as session:
        return describe_users(session)


# ---- what a user may see --------------------------------------------------------------------------

def visible_source_ids(session: Session, user: User) -> set[int] | None:
    """Source ids whose reports the user may see; None means every source (admins).

    Public sources are visible to every role that may read persons; any other sensitivity level
    needs a grant. Viewers see no source at all.
    """
    if not has_permission(user.role, PERSONS_READ):
        return set()
    if user.role == "admin":
        return None
    return source_ids_visible_to(session, user.id)


def source_ids_visible_to(session: Session, user_id: int) -> set[int]:
    """Public sources plus the user's granted ones (for roles that may read persons, not admins)."""
    public = select(Source.id).where(Source.sensitivity == "public")
    granted = select(SourceGrant.source_id).where(SourceGrant.user_id == user_id)
    return set(session.execute(public.union(granted)).scalars())


# ---- logging in -----------------------------------------------------------------------------------

@dataclass
class LoginOutcome:
    user: User | None
    reason: str  # "ok", "bad_credentials", "locked", "totp_required", "bad_totp", "disabled"
    # Why more precisely, where it helps the person logging in: "totp_reused" (reason "bad_totp")
    # for a right code that was already used once.
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None

    @property
    def message(self) -> str | None:
        """A plain sentence for the person logging in, for the cases a bare reason does not explain."""
        if self.detail == "totp_reused":
            return ("This code was already used to log in, and a code works only once. Wait for the next code "
                    "from your authenticator app (a new one comes every 30 seconds) and enter that.")
        return None


def authenticate(session: Session, username: str, password: str, totp_code: str | None = None, *,
                 key: bytes | None = None, max_failures: int = 5, lockout_minutes: float = 15,
                 ip: str | None = None, when: dt.datetime | None = None) -> LoginOutcome:
    """Check a login; count failures, lock after ``max_failures``, and audit every attempt.

    A TOTP code is accepted once only: its time step must come after the last accepted one
    (``when`` is the moment the code is checked against, now by default).
    """
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    details = {"ip": ip} if ip else None
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work as for a real user
        audit.append(session, actor=_actor_text(username), action="login_failed", object_type="user",
                     object_id=_actor_text(username), details={**(details or {}), "reason": "unknown_user"})
        return LoginOutcome(None, "bad_credentials")
    now = utcnow()
    if user.locked_until and _aware(user.locked_until) > now:
        audit.append(session, actor=username, action="login_failed", object_type="user", object_id=username,
                     details={**(details or {}), "reason": "locked"})
        return LoginOutcome(None, "locked")
    reason, step = _check_credentials(user, password, totp_code, key, _aware(when) if when else now)
    if reason == "ok" and step is not None and not _claim_totp_step(session, user, step):
        reason = "totp_reused"  # another login took this step a moment ago
    if reason != "ok":
        user.failed_logins = (user.failed_logins or 0) + 1
        audit.append(session, actor=username, action="login_failed", object_type="user", object_id=username,
                     details={**(details or {}), "reason": reason, "failures": user.failed_logins})
        if user.failed_logins >= max_failures:
            user.locked_until = now + dt.timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
            audit.append(session, actor="system", action="account_locked", object_type="user",
                         object_id=username, details={"until": user.locked_until.isoformat()})
            return LoginOutcome(None, "locked")
        if reason == "totp_reused":
            return LoginOutcome(None, "bad_totp", detail="totp_reused")
        return LoginOutcome(None, reason)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.append(session, actor=username, action="login", object_type="user", object_id=username, details=details)
    return LoginOutcome(user, "ok")


def _check_credentials(user: User, password: str, totp_code: str | None, key: bytes | None,
                       when: dt.datetime) -> tuple[str, int | None]:
    """(reason, the accepted TOTP time step or None)."""
    if not verify_password(user.password_hash, password):
        return "bad_credentials", None
    if not user.is_active:
        return "disabled", None
    if user.totp_secret_enc is None:
        return "ok", None
    if not totp_code:
        return "totp_required", None
    step = None if key is None else totp_step_of(totp_secret(user, key), totp_code, when)
    if step is None:
        return "bad_totp", None
    if user.totp_last_step is not None and step <= user.totp_last_step:
        return "totp_reused", step
    return "ok", step


# ---- TOTP second factor -------------------------------------------------------------------------

def _totp_context(user: User) -> str:
    return f"uncounted-totp:{user.username}"


def totp_secret(user: User, key: bytes) -> str:
    return decrypt_bytes(key, user.totp_secret_enc, context=_totp_context(user)).decode("ascii")


def totp_step_of(secret: str, code: str, when: dt.datetime) -> int | None:
    """The time step whose code ``code`` is, within one step of ``when`` (clock drift), or None."""
    totp = pyotp.TOTP(secret)
    code = "".join(code.split())
    current = totp.timecode(when)
    for step in (current - TOTP_DRIFT_STEPS, current, current + TOTP_DRIFT_STEPS):
        if hmac.compare_digest(code.encode("ascii", "replace"), totp.generate_otp(step).encode("ascii")):
            return step
    return None


def _claim_totp_step(session: Session, user: User, step: int) -> bool:
    """Record ``step`` as the user's last accepted one unless it (or a later one) already is.

    One conditional UPDATE, so two logins racing with the same code cannot both succeed.
    """
    result = session.execute(
        update(User).where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def enable_totp(session: Session, username: str, key: bytes, *, actor: str) -> tuple[str, str]:
    """Give a user a new TOTP secret (stored encrypted); return (secret, otpauth URI) to show once."""
    user = get_user(session, username)
    secret = pyotp.random_base32()
    user.totp_secret_enc = encrypt_bytes(key, secret.encode("ascii"), context=_totp_context(user))
    user.totp_last_step = None  # a new secret: no code of it has been used yet
    audit.append(session, actor=actor, action="totp_enable", object_type="user", object_id=username)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="uncounted")


def disable_totp(session: Session, username: str, *, actor: str) -> None:
    user = get_user(session, username)
    user.totp_secret_enc = None
    user.totp_last_step = None
    audit.append(session, actor=actor, action="totp_disable", object_type="user", object_id=username)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _actor_text(username: str) -> str:
    cleaned = "".join(ch for ch in (username or "") if ch.isprintable())[:80]
    return cleaned or "(empty)"
