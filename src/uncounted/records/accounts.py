"""Local accounts: users, roles, per-source grants, argon2 password hashes, TOTP, lockout.

    password = create_user(ws, "amina", "documenter")        # prints nothing; returns the password
    grant(ws, "amina", "HRCP list 2024")                       # may now see that source's reports
    set_role(ws, "amina", "reviewer")

Roles and what they may do are listed in ``ROLE_PERMISSIONS``; the web app checks these names
and nothing else. Every change here writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from uncounted.errors import UncountedError
from uncounted.records import audit
from uncounted.records.crypto import decrypt_bytes, encrypt_bytes
from uncounted.records.models import Source, SourceGrant, User, utcnow

if TYPE_CHECKING:
    from uncounted.records.workspace import Workspace

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

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(session: Session, username: str, password: str, totp_code: str | None = None, *,
                 key: bytes | None = None, max_failures: int = 5, lockout_minutes: float = 15,
                 ip: str | None = None) -> LoginOutcome:
    """Check a login; count failures, lock after ``max_failures``, and audit every attempt."""
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
    reason = _check_credentials(user, password, totp_code, key)
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
        return LoginOutcome(None, reason)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.append(session, actor=username, action="login", object_type="user", object_id=username, details=details)
    return LoginOutcome(user, "ok")


def _check_credentials(user: User, password: str, totp_code: str | None, key: bytes | None) -> str:
    if not verify_password(user.password_hash, password):
        return "bad_credentials"
    if not user.is_active:
        return "disabled"
    if user.totp_secret_enc is not None:
        if not totp_code:
            return "totp_required"
        if key is None or not pyotp.TOTP(totp_secret(user, key)).verify(totp_code.strip(), valid_window=1):
            return "bad_totp"
    return "ok"


# ---- TOTP second factor -------------------------------------------------------------------------

def _totp_context(user: User) -> str:
    return f"uncounted-totp:{user.username}"


def totp_secret(user: User, key: bytes) -> str:
    return decrypt_bytes(key, user.totp_secret_enc, context=_totp_context(user)).decode("ascii")


def enable_totp(session: Session, username: str, key: bytes, *, actor: str) -> tuple[str, str]:
    """Give a user a new TOTP secret (stored encrypted); return (secret, otpauth URI) to show once."""
    user = get_user(session, username)
    secret = pyotp.random_base32()
    user.totp_secret_enc = encrypt_bytes(key, secret.encode("ascii"), context=_totp_context(user))
    audit.append(session, actor=actor, action="totp_enable", object_type="user", object_id=username)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="uncounted")


def disable_totp(session: Session, username: str, *, actor: str) -> None:
    user = get_user(session, username)
    user.totp_secret_enc = None
    audit.append(session, actor=actor, action="totp_disable", object_type="user", object_id=username)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _actor_text(username: str) -> str:
    cleaned = "".join(ch for ch in (username or "") if ch.isprintable())[:80]
    return cleaned or "(empty)"
