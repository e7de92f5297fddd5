"""The web application: ``create_app(ws)`` builds it, ``serve(ws, host, port)`` runs it."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import webbrowser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uncounted.errors import UncountedError
from uncounted.records.crypto import KeyProblem, load_key
from uncounted.server import api, pages
from uncounted.server.auth import AuthConfig, SessionManager
from uncounted.server.errors import STATUS_CODES, ApiError, clean_validation_errors, error_body

log = logging.getLogger("uncounted.server")
STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                 b"object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers to every response; nothing but static files may be cached."""

    def __init__(self, app: ASGIApp, hsts: bool):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"] \
                    if not static else list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(ws: Any, *, secret_key: bytes | None = None, secure_cookies: bool = True,
               max_failures: int | None = None, lockout_minutes: float | None = None,
               key: bytes | None = None) -> FastAPI:
    """The FastAPI app for one workspace.

    ``secret_key`` signs cookies (random per process when not given: sessions then end when the
    server restarts). ``secure_cookies=False`` allows plain http, for 127.0.0.1 only.
    ``key`` overrides the encryption key (default: :func:`uncounted.records.crypto.load_key`).
    """
    app = FastAPI(title="uncounted", version="0.1.0", docs_url=None, redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None,
                  openapi_url="/api/openapi.json",
                  description="The uncounted web API. Log in with POST /api/login (JSON), keep the cookie, and "
                              "send the returned csrf_token as the X-CSRF-Token header on every POST, PATCH and "
                              "DELETE. Every error has the shape {\"error\": {\"code\", \"message\", \"details\"}}.")
    settings = ws.settings
    config = AuthConfig(
        secret_key=secret_key or secrets.token_bytes(32), secure_cookies=secure_cookies,
        max_failures=int(max_failures or settings.get("login_max_failures") or 5),
        lockout_minutes=float(lockout_minutes or settings.get("login_lockout_minutes") or 15))
    app.state.ws = ws
    app.state.sessions = SessionManager(ws, config)
    app.state.index_key = ws.database_url
    app.state.key = _key_loader(ws, key)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    _install_error_handlers(app)
    app.add_middleware(SecurityHeaders, hsts=secure_cookies)
    return app


def _key_loader(ws: Any, fixed: bytes | None) -> Any:
    cache: dict[str, bytes | None] = {}
    lock = threading.Lock()

    def key(required: bool = False) -> bytes | None:
        if fixed is not None:
            return fixed
        with lock:
            if "key" not in cache:
                try:
                    cache["key"] = load_key(ws, required=False)
                except KeyProblem as exc:
                    raise ApiError(503, "no_key", str(exc)) from exc
            value = cache["key"]
        if value is None and required:
            raise ApiError(503, "no_key", "No encryption key is configured for this workspace, so sensitive "
                           "fields cannot be read. An admin sets one up with `uncounted key generate`.")
        return value

    return key


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and not request.url.path.startswith("/static")


def _error_response(request: Request, status: int, code: str, message: str, details: Any = None,
                    headers: dict[str, str] | None = None) -> Response:
    if _wants_html(request):
        if status == 401 and request.method == "GET":
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        return pages.render(request, "error.html", getattr(request.state, "principal", None), status=status,
                            code=code, message=message, details=details)
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error_response(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404:
            message = f"There is no page or endpoint at {request.url.path[:200]}."
        return _error_response(request, exc.status_code, code, message, None, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = clean_validation_errors(list(exc.errors()))
        where = ", ".join(".".join(d["loc"]) + ": " + d["msg"] for d in details[:3])
        return _error_response(request, 422, "invalid_request", f"The request is not valid ({where}).", details)

    @app.exception_handler(UncountedError)
    async def domain_error(request: Request, exc: UncountedError) -> Response:
        return _error_response(request, 400, "bad_request", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "internal_error",
                               "Something went wrong on the server; the error was logged. Try again, or tell an admin.")


def app_from_env() -> FastAPI:
    """The app for one worker process of ``serve(..., workers=N)``: the workspace, the cookie secret
    and the cookie mode come from the environment that ``serve`` sets for its workers."""
    from uncounted.records.workspace import Workspace

    ws = Workspace.open(os.environ["UNCOUNTED_WORKSPACE"])
    secret = bytes.fromhex(os.environ["UNCOUNTED_SERVER_SECRET"])
    return create_app(ws, secret_key=secret, secure_cookies=os.environ.get("UNCOUNTED_SECURE_COOKIES") == "1")


def serve(ws: Any, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False, *,
          secure_cookies: bool | None = None, secret_key: bytes | None = None, workers: int = 1) -> None:
    """Run the app with uvicorn until interrupted.

    Cookies are Secure unless the server listens on a loopback address (plain http there is
    allowed for local use); pass ``secure_cookies`` to decide explicitly. There is no access log:
    URLs carry searched names. With ``workers`` > 1,
    that many processes share one cookie secret (sessions live in the database, so any worker
    serves any session; a logout or role change reaches the other workers within 5 seconds).
    """
    import uvicorn

    if secure_cookies is None:
        secure_cookies = host not in ("127.0.0.1", "localhost", "::1")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if open_browser:
        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    if workers <= 1:
        app = create_app(ws, secret_key=secret_key, secure_cookies=secure_cookies)
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False,
                    access_log=False)
        return
    os.environ["UNCOUNTED_WORKSPACE"] = str(ws.path)
    if not ws.is_sqlite:
        os.environ["UNCOUNTED_DATABASE_URL"] = ws.database_url
    os.environ["UNCOUNTED_SERVER_SECRET"] = (secret_key or secrets.token_bytes(32)).hex()
    os.environ["UNCOUNTED_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    uvicorn.run("uncounted.server.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="info", proxy_headers=False, server_header=False, access_log=False)
