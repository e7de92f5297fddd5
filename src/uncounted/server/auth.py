"""Logins, server-side sessions, CSRF tokens and the one permission check every route declares.

How it works:

* Logging in creates a new random session token (never reusing one the browser sent: no session
  fixation). The cookie carries the token signed with the app's secret key; the database keeps
  only the token's SHA-256, with the user, a CSRF token, an absolute expiry and an idle timeout.
* Cookies are HttpOnly, SameSite=Strict and Secure (the ``__Host-`` prefix); ``secure_cookies=False``
  drops Secure for plain http on 127.0.0.1 only.
* Every unsafe request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token, in the form
  field ``csrf_token`` or the header ``X-CSRF-Token``. The login form, which has no session yet,
  uses a signed double-submit cookie instead.
* Each route depends on ``require(PERMISSION)``; the permission names and which role holds which are
  in ``uncounted.records.accounts``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from itsdangerous import BadSignature, Signer
from sqlalchemy import select, update

from uncounted.records import accounts
from uncounted.records.auth_models import AuthSession
from uncounted.records.models import User, utcnow
from uncounted.server.errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass
class AuthConfig:
    secret_key: bytes
    secure_cookies: bool = True
    max_failures: int = 5
    lockout_minutes: float = 15.0
    session_hours: float = 12.0
    idle_minutes: float = 120.0
    ip_attempts: int = 30            # failed logins from one address ...
    ip_window_seconds: float = 600.0  # ... within this window, then HTTP 429
    cache_seconds: float = 5.0       # how long a checked session is trusted without the database

    @property
    def session_cookie(self) -> str:
        return "__Host-uncounted" if self.secure_cookies else "uncounted_session"

    @property
    def prelogin_cookie(self) -> str:
        return "__Host-uncounted-pre" if self.secure_cookies else "uncounted_pre"


@dataclass(frozen=True)
class Principal:
    """The logged-in user as one request sees them."""

    user_id: int
    username: str
    role: str
    csrf_token: str
    session_id: int
    token_hash: str

    @property
    def permissions(self) -> frozenset[str]:
        return accounts.permissions_of(self.role)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class SessionManager:
    """Creates, finds and ends sessions; throttles failed logins per address."""

    def __init__(self, ws: Any, config: AuthConfig):
        self.ws = ws
        self.config = config
        self.signer = Signer(config.secret_key, salt="uncounted-session")
        self.pre_signer = Signer(config.secret_key, salt="uncounted-prelogin")
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    # ---- cookies ----------------------------------------------------------------------------
    def cookie_settings(self, max_age: int | None = None) -> dict[str, Any]:
        return {"httponly": True, "samesite": "strict", "secure": self.config.secure_cookies,
                "path": "/", "max_age": max_age}

    def token_from_cookie(self, request: Request) -> str | None:
        raw = request.cookies.get(self.config.session_cookie)
        if not raw or len(raw) > 200:
            return None
        try:
            return self.signer.unsign(raw).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None

    def new_prelogin_token(self) -> tuple[str, str]:
        """(form token, cookie value) for the login form's double-submit CSRF check."""
        token = secrets.token_urlsafe(24)
        return token, self.pre_signer.sign(token).decode("ascii")

    def check_prelogin(self, request: Request, form_token: str | None) -> bool:
        raw = request.cookies.get(self.config.prelogin_cookie) or ""
        try:
            expected = self.pre_signer.unsign(raw).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return False
        return bool(form_token) and hmac.compare_digest(expected, form_token or "")

    # ---- sessions ---------------------------------------------------------------------------
    def start(self, db: Any, user: User) -> tuple[str, str]:
        """A brand-new session for a user who just logged in: (signed cookie value, CSRF token)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        db.add(AuthSession(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now,
                           last_seen_at=now, expires_at=now + dt.timedelta(hours=self.config.session_hours),
                           revoked=False))
        db.flush()
        return self.signer.sign(token).decode("ascii"), csrf

    def end(self, db: Any, principal: Principal) -> None:
        db.execute(update(AuthSession).where(AuthSession.id == principal.session_id).values(revoked=True))
        with self._lock:
            self._cache.pop(principal.token_hash, None)

    def end_all_for(self, db: Any, user_id: int) -> None:
        db.execute(update(AuthSession).where(AuthSession.user_id == user_id).values(revoked=True))
        with self._lock:
            for key, (_, p) in list(self._cache.items()):
                if p.user_id == user_id:
                    self._cache.pop(key, None)

    def forget_cached(self) -> None:
        with self._lock:
            self._cache.clear()

    def cached(self, token: str) -> Principal | None:
        """The principal of a session checked in the last few seconds, without the database."""
        with self._lock:
            hit = self._cache.get(token_hash(token))
        return hit[1] if hit and hit[0] > time.monotonic() else None

    def lookup(self, token: str) -> Principal | None:
        """The principal of a valid session token, or None (expired, idle, revoked, disabled)."""
        digest = token_hash(token)
        now_mono = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit and hit[0] > now_mono:
            return hit[1]
        principal = self._lookup_in_db(digest)
        with self._lock:
            if principal is None:
                self._cache.pop(digest, None)
            else:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[digest] = (now_mono + self.config.cache_seconds, principal)
        return principal

    def _lookup_in_db(self, digest: str) -> Principal | None:
        now = utcnow()
        with self.ws.session() as db:
            row = db.execute(select(AuthSession, User).join(User, User.id == AuthSession.user_id)
                             .where(AuthSession.token_hash == digest)).first()
            if row is None:
                return None
            sess, user = row
            if sess.revoked or not user.is_active or _aware(sess.expires_at) <= now:
                return None
            idle = dt.timedelta(minutes=self.config.idle_minutes)
            if _aware(sess.last_seen_at) + idle <= now:
                sess.revoked = True
                return None
            if _aware(sess.last_seen_at) + dt.timedelta(minutes=1) <= now:
                sess.last_seen_at = now
            return Principal(user_id=user.id, username=user.username, role=user.role,
                             csrf_token=sess.csrf_token, session_id=sess.id, token_hash=digest)

    # ---- throttling -------------------------------------------------------------------------
    def throttled(self, ip: str) -> bool:
        cutoff = time.monotonic() - self.config.ip_window_seconds
        with self._lock:
            attempts = self._failures.get(ip)
            while attempts and attempts[0] < cutoff:
                attempts.popleft()
            return bool(attempts) and len(attempts) >= self.config.ip_attempts

    def note_failure(self, ip: str) -> None:
        with self._lock:
            self._failures.setdefault(ip, deque()).append(time.monotonic())


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def current_principal(request: Request) -> Principal | None:
    """The logged-in user of this request, or None. Cached on the request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    manager: SessionManager = request.app.state.sessions
    token = manager.token_from_cookie(request)
    principal = manager.cached(token) if token else None
    if token and principal is None:
        principal = await run_in_threadpool(manager.lookup, token)
    request.state.principal = principal
    return principal


async def submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()
        except Exception:  # a malformed body: treated as no token
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def require(permission: str | None) -> Callable[..., Any]:
    """A route dependency: a logged-in user holding ``permission`` (None: any logged-in user),
    and on unsafe methods a valid CSRF token. Returns the Principal."""

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal is None:
            raise ApiError(401, "not_logged_in", "Log in first.")
        if permission is not None and not principal.can(permission):
            raise ApiError(403, "forbidden", f"Your role ({principal.role}) may not do this "
                           f"(it needs the permission {permission!r}). Ask an admin.")
        if request.method not in SAFE_METHODS:
            token = await submitted_csrf(request)
            if not token or not hmac.compare_digest(token, principal.csrf_token):
                raise ApiError(403, "csrf_failed", "The form's security token is missing or out of date. "
                               "Reload the page and try again.")
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
