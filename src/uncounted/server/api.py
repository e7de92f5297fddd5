"""The JSON API under /api. Every page's action has an endpoint here; every error has one shape."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Iterator

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from starlette.routing import Route
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from uncounted.records import accounts as acc
from uncounted.records.models import SENSITIVITY_LEVELS, SOURCE_KINDS
from uncounted.server import imports, plot, search, services
from uncounted.server.auth import Principal, client_ip, current_principal, require
from uncounted.server.errors import ApiError

@asynccontextmanager
async def keep_search_index_warm(app: Any) -> AsyncIterator[None]:
    """While the server runs, its search index is built at start and kept current in the background."""
    stop = search.keep_warm(app.state.ws.engine, app.state.index_key)
    try:
        yield
    finally:
        stop()


router = APIRouter(prefix="/api", lifespan=keep_search_index_warm)


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.ws.session() as session:
        yield session


# The transaction ends (commit or rollback) when the route function returns, before the response
# is sent: a client that gets an answer can rely on the write being there.
DB = Depends(get_db, scope="function")


def ws_of(request: Request) -> Any:
    return request.app.state.ws


# ---- bodies -------------------------------------------------------------------------------------

class LoginBody(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    totp_code: str | None = Field(default=None, max_length=12)


class SourceBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(default="other", json_schema_extra={"enum": list(SOURCE_KINDS)})
    sensitivity: str = Field(default="restricted", json_schema_extra={"enum": list(SENSITIVITY_LEVELS)})
    description: str | None = Field(default=None, max_length=5000)
    sensitive_fields: list[str] = Field(default_factory=list, max_length=100)


class ImportBody(BaseModel):
    upload_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=200)
    source_id: int
    mapping: dict[str, str] = Field(default_factory=dict, description="column header -> field ('' to leave unmapped)")
    strict: bool = False


class PreviewBody(BaseModel):
    upload_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=200)
    mapping: dict[str, str] | None = None
    source_id: int | None = Field(default=None, description="with a source, the preview includes a dry run")


class DecisionBody(BaseModel):
    report_key_l: str = Field(min_length=1, max_length=64)
    report_key_r: str = Field(min_length=1, max_length=64)
    decision: str = Field(json_schema_extra={"enum": list(services.DECISIONS)})
    note: str | None = Field(default=None, max_length=2000)


class EstimateBody(BaseModel):
    method: str = Field(default="loglinear", max_length=40)
    by: str | None = Field(default=None, max_length=200)
    bootstrap: int = Field(default=200, ge=0, le=1000)
    seed: int = Field(default=0, ge=0, le=2**31)


class EditBody(BaseModel):
    changes: dict[str, str | None]
    reason: str = Field(min_length=1, max_length=2000)


class UserBody(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    role: str = Field(json_schema_extra={"enum": list(acc.ROLES)})
    password: str | None = Field(default=None, max_length=1000)


class RoleBody(BaseModel):
    role: str = Field(json_schema_extra={"enum": list(acc.ROLES)})


class PasswordBody(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


def account_error(exc: acc.AccountError) -> ApiError:
    return ApiError(422, "invalid_request", str(exc))


# ---- session --------------------------------------------------------------------------------------

@router.post("/login", tags=["session"], summary="Log in; sets the session cookie, returns the CSRF token")
def api_login(body: LoginBody, request: Request, response: Response, db: Session = DB) -> dict[str, Any]:
    app = request.app
    manager = app.state.sessions
    ip = client_ip(request)
    if manager.throttled(ip):
        raise ApiError(429, "too_many_attempts", "Too many failed logins from your address; wait a few minutes.")
    outcome = acc.authenticate(db, body.username, body.password, body.totp_code, key=app.state.key(),
                               max_failures=manager.config.max_failures,
                               lockout_minutes=manager.config.lockout_minutes, ip=ip)
    if not outcome.ok:
        db.commit()  # keep the failure count and the audit entry
        manager.note_failure(ip)
        details = {"reason": public_reason(outcome.reason)}
        if outcome.detail:
            details["detail"] = outcome.detail
        raise ApiError(401, "login_failed", outcome.message or login_message(outcome.reason), details)
    cookie, csrf = manager.start(db, outcome.user)
    response.set_cookie(manager.config.session_cookie, cookie, **manager.cookie_settings())
    return {"username": outcome.user.username, "role": outcome.user.role, "csrf_token": csrf,
            "permissions": sorted(acc.permissions_of(outcome.user.role))}


def login_message(reason: str) -> str:
    if reason == "locked":
        return "This account is locked for a while after repeated failed logins. Wait, or ask an admin to unlock it."
    if reason in ("totp_required", "bad_totp"):
        return "Enter the current 6-digit code from your authenticator app."
    return "Wrong username or password."


def public_reason(reason: str) -> str:
    # "disabled" is reported like a wrong password: it should not reveal that the account exists.
    return reason if reason in ("locked", "totp_required", "bad_totp") else "bad_credentials"


@router.post("/logout", tags=["session"])
def api_logout(request: Request, response: Response, principal: Principal = Depends(require(None)),
               db: Session = DB) -> dict[str, Any]:
    manager = request.app.state.sessions
    manager.end(db, principal)
    from uncounted.records import audit
    audit.append(db, actor=principal.username, action="logout", object_type="user", object_id=principal.username)
    response.delete_cookie(manager.config.session_cookie, path="/", secure=manager.config.secure_cookies,
                           httponly=True, samesite="strict")
    return {"ok": True}


@router.get("/me", tags=["session"])
def api_me(principal: Principal = Depends(require(None))) -> dict[str, Any]:
    return {"username": principal.username, "role": principal.role, "csrf_token": principal.csrf_token,
            "permissions": sorted(principal.permissions)}


@router.post("/account/password", tags=["session"])
def api_change_password(body: PasswordBody, principal: Principal = Depends(require(None)),
                        db: Session = DB) -> dict[str, Any]:
    user = acc.get_user(db, principal.username)
    if not acc.verify_password(user.password_hash, body.current_password):
        raise ApiError(403, "wrong_password", "The current password is wrong.")
    try:
        acc.change_password(db, principal.username, body.new_password, actor=principal.username)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"ok": True}


@router.post("/account/totp", tags=["session"], summary="Turn on a TOTP second factor; the secret is shown once")
def api_enable_totp(request: Request, principal: Principal = Depends(require(None)),
                    db: Session = DB) -> dict[str, Any]:
    key = request.app.state.key()
    if key is None:
        raise ApiError(503, "no_key", "Two-factor login needs the workspace encryption key; ask an admin.")
    secret, uri = acc.enable_totp(db, principal.username, key, actor=principal.username)
    return {"secret": secret, "otpauth_uri": uri}


# ---- aggregates ---------------------------------------------------------------------------------

@router.get("/stats", tags=["aggregates"], summary="Counts for every role (small cells hidden from viewers)")
def api_stats(principal: Principal = Depends(require(acc.AGGREGATES_READ)), db: Session = DB) -> dict[str, Any]:
    return services.aggregates(db, principal)


# ---- sources and imports -------------------------------------------------------------------------

@router.get("/sources", tags=["sources"])
def api_sources(principal: Principal = Depends(require(acc.SOURCES_READ)), db: Session = DB) -> dict[str, Any]:
    return {"sources": services.list_sources(db, principal)}


@router.post("/sources", tags=["sources"], status_code=201)
def api_create_source(body: SourceBody, principal: Principal = Depends(require(acc.IMPORT)),
                      db: Session = DB) -> dict[str, Any]:
    return services.create_source(db, principal, body.name, body.kind, body.sensitivity, body.description,
                                  body.sensitive_fields)


@router.get("/documents", tags=["sources"])
def api_documents(limit: int = Query(100, ge=1, le=500), principal: Principal = Depends(require(acc.SOURCES_READ)),
                  db: Session = DB) -> dict[str, Any]:
    return {"documents": services.list_documents(db, principal, limit)}


@router.post("/uploads", tags=["imports"], status_code=201,
             summary="Upload a CSV/XLSX; returns an upload id, the detected mapping and the first rows")
def api_upload(request: Request, file: UploadFile = File(...), source_id: int | None = Form(None),
               principal: Principal = Depends(require(acc.IMPORT)), db: Session = DB) -> dict[str, Any]:
    source = services.get_visible_source(db, principal, source_id) if source_id is not None else None
    stored = imports.store_upload(db, principal, ws_of(request), file.filename or "", file.file)
    db.commit()
    return imports.preview(ws_of(request), stored["upload_id"], stored["filename"], None, source,
                           key=request.app.state.key())


@router.post("/uploads/preview", tags=["imports"], summary="Preview an upload with a changed mapping")
def api_preview(body: PreviewBody, request: Request, principal: Principal = Depends(require(acc.IMPORT)),
                db: Session = DB) -> dict[str, Any]:
    imports.check_upload_owner(db, principal, body.upload_id)
    source = services.get_visible_source(db, principal, body.source_id) if body.source_id is not None else None
    return imports.preview(ws_of(request), body.upload_id, body.filename, body.mapping, source,
                           key=request.app.state.key())


@router.post("/imports", tags=["imports"], status_code=201,
             summary="Import an upload into a source; returns counts and row-level problems")
def api_import(body: ImportBody, request: Request, principal: Principal = Depends(require(acc.IMPORT)),
               db: Session = DB) -> dict[str, Any]:
    services.get_visible_source(db, principal, body.source_id)
    return imports.run_import(db, principal, ws_of(request), body.upload_id, body.filename, body.source_id,
                              body.mapping, body.strict, request.app.state.key())


@router.get("/imports/{import_id}/rejects", tags=["imports"], summary="Download an import's rejected rows (CSV)")
def api_rejects(import_id: int, request: Request, principal: Principal = Depends(require(acc.IMPORT)),
                db: Session = DB) -> StreamingResponse:
    sha, name = imports.rejects_for_download(db, principal, import_id)
    db.commit()
    return file_response(ws_of(request), sha, name, "text/csv")


def file_response(ws: Any, sha: str, name: str, media_type: str | None = None) -> StreamingResponse:
    handle = ws.evidence.open(sha)

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(1 << 16):
                yield chunk

    safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name)[:150] or "download"
    return StreamingResponse(chunks(), media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff",
        "X-Uncounted-SHA256": sha})


# ---- persons and reports --------------------------------------------------------------------------

async def person_query(q: str | None = Query(None, max_length=200, description="name, any romanisation"),
                       date_from: dt.date | None = Query(None), date_to: dt.date | None = Query(None),
                       place: str | None = Query(None, max_length=200),
                       violation: str | None = Query(None, max_length=40),
                       source_id: int | None = Query(None, ge=0, le=2**31 - 1), limit: int = Query(50, ge=1, le=200),
                       offset: int = Query(0, ge=0, le=1_000_000)) -> search.PersonQuery:
    return search.PersonQuery(q=q or None, date_from=date_from, date_to=date_to, place=place or None,
                              violation=violation or None, source_id=source_id, limit=limit, offset=offset)


@router.get("/persons", tags=["persons"], summary="Search persons by name, date, place, violation, source",
            response_model=dict[str, Any])
async def api_persons(request: Request, query: search.PersonQuery = Depends(person_query),
                      principal: Principal = Depends(require(acc.PERSONS_READ))) -> Response:
    # On the event loop, without a database session: the index is in memory, and one small
    # statement (the probe, shared by the searches waiting together, run in its own thread)
    # checks the run, the newest report and the user's sources. A build goes to a thread too.
    index = search.index_for(request.app.state.ws.engine, request.app.state.index_key)
    probe = await index.shared.probe(principal.user_id)
    if not index.is_current(probe):
        await run_in_threadpool(index.current, probe)
    return Response(services.search_json(index, principal, query, probe), media_type="application/json")


class PersonSearchFastPath:
    """GET /api/persons without FastAPI's per-request dependency solving (about 0.4 ms of CPU, more
    than the search itself). It answers only the plain case: a logged-in user who may read persons
    and parameters that are plainly valid. Anything else (no login, a wrong role, a parameter
    that needs FastAPI's validation or its error message) goes to the declared route above, which
    also gives the OpenAPI description; both answer with services.search_json."""

    INTS = {"source_id": (0, 2**31 - 1), "limit": (1, 200), "offset": (0, 1_000_000)}
    TEXTS = {"q": 200, "place": 200, "violation": 40}
    DATES = ("date_from", "date_to")

    def __init__(self, declared: Any):
        self.declared = declared

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        query = self.plain_query(request)
        principal = await current_principal(request) if query is not None else None
        if query is None or principal is None or not principal.can(acc.PERSONS_READ):
            await self.declared.handle(scope, receive, send)
            return
        index = search.index_for(request.app.state.ws.engine, request.app.state.index_key)
        probe = await index.shared.probe(principal.user_id)
        if not index.is_current(probe):
            await run_in_threadpool(index.current, probe)
        body = services.search_json(index, principal, query, probe)
        await Response(body, media_type="application/json")(scope, receive, send)

    def plain_query(self, request: Request) -> search.PersonQuery | None:
        """The query when every parameter is plainly valid, else None."""
        params = request.query_params
        values: dict[str, Any] = {}
        for name, longest in self.TEXTS.items():
            value = params.get(name)
            if value is not None and len(value) > longest:
                return None
            values[name] = value or None
        for name in self.DATES:
            value = params.get(name)
            if value is not None:
                if len(value) != 10 or not value[:4].isdigit():
                    return None
                try:
                    values[name] = dt.date.fromisoformat(value)
                except ValueError:
                    return None
        for name, (low, high) in self.INTS.items():
            value = params.get(name)
            if value is not None:
                if not value.isascii() or not value.isdigit() or len(value) > 10 or not low <= int(value) <= high:
                    return None
                values[name] = int(value)
        return search.PersonQuery(**values)


_declared_search = next(r for r in router.routes if getattr(r, "path", None) == "/api/persons")
router.routes.insert(0, Route("/api/persons", PersonSearchFastPath(_declared_search), methods=["GET"],
                              include_in_schema=False))


@router.get("/persons/{person_id}", tags=["persons"], summary="A person with every visible report and value provenance")
def api_person(person_id: int, principal: Principal = Depends(require(acc.PERSONS_READ)),
               db: Session = DB) -> dict[str, Any]:
    return services.person_detail(db, principal, person_id)


@router.get("/reports/{report_key}", tags=["persons"])
def api_report(report_key: str, principal: Principal = Depends(require(acc.PERSONS_READ)),
               db: Session = DB) -> dict[str, Any]:
    return services.report_detail(db, principal, report_key)


@router.patch("/reports/{report_key}", tags=["persons"], summary="Correct a report (writes a new version)")
def api_edit_report(report_key: str, body: EditBody, principal: Principal = Depends(require(acc.REPORTS_EDIT)),
                    db: Session = DB) -> dict[str, Any]:
    return services.edit_report(db, principal, report_key, body.changes, body.reason)


@router.get("/reports/{report_key}/sensitive", tags=["persons"],
            summary="Decrypt a report's sensitive fields (audited)")
def api_sensitive(report_key: str, request: Request, principal: Principal = Depends(require(acc.SENSITIVE_READ)),
                  db: Session = DB) -> dict[str, Any]:
    return services.read_sensitive(db, principal, report_key, request.app.state.key(required=True))


@router.post("/reports/{report_key}/evidence", tags=["evidence"], status_code=201)
def api_add_evidence(report_key: str, request: Request, file: UploadFile = File(...),
                     principal: Principal = Depends(require(acc.EVIDENCE_ADD)), db: Session = DB) -> dict[str, Any]:
    return services.add_evidence(db, principal, ws_of(request), report_key, file.filename or "",
                                 file.content_type, file.file)


@router.get("/evidence/{evidence_id}", tags=["evidence"], summary="Download an evidence file (audited)")
def api_evidence(evidence_id: int, request: Request, principal: Principal = Depends(require(acc.EVIDENCE_DOWNLOAD)),
                 db: Session = DB) -> StreamingResponse:
    row = services.evidence_for_download(db, principal, evidence_id)
    db.commit()
    return file_response(ws_of(request), row.sha256, row.original_name, row.media_type)


# ---- review ----------------------------------------------------------------------------------------

@router.get("/review/pairs", tags=["review"], summary="Uncertain pairs, side by side, with the per-field explanation")
def api_review(limit: int = Query(20, ge=1, le=200), principal: Principal = Depends(require(acc.REVIEW)),
               db: Session = DB) -> dict[str, Any]:
    return services.review_queue(db, principal, limit)


@router.post("/review/decisions", tags=["review"], status_code=201)
def api_decide(body: DecisionBody, principal: Principal = Depends(require(acc.REVIEW)),
               db: Session = DB) -> dict[str, Any]:
    return services.decide_pair(db, principal, body.report_key_l, body.report_key_r, body.decision, body.note)


# ---- estimates and claims --------------------------------------------------------------------------

@router.get("/estimates", tags=["estimates"], summary="The latest run per method and stratum (viewers: no list names)")
def api_estimates(principal: Principal = Depends(require(acc.AGGREGATES_READ)), db: Session = DB) -> dict[str, Any]:
    return services.latest_estimates(db, principal)


@router.get("/estimates/plot.svg", tags=["estimates"], summary="The latest estimates as an SVG plot")
def api_estimates_plot(principal: Principal = Depends(require(acc.AGGREGATES_READ)),
                       db: Session = DB) -> Response:
    runs = services.latest_estimates(db, principal)["runs"]
    return Response(plot.estimates_svg(runs), media_type="image/svg+xml")


@router.get("/estimates/methods", tags=["estimates"])
def api_methods(principal: Principal = Depends(require(acc.ESTIMATES_RUN))) -> dict[str, Any]:
    from uncounted.estimate import available_estimators
    return {"methods": available_estimators()}


@router.post("/estimates", tags=["estimates"], status_code=201, summary="Run a new estimate on the current persons")
def api_run_estimate(body: EstimateBody, request: Request, principal: Principal = Depends(require(acc.ESTIMATES_RUN)),
                     db: Session = DB) -> dict[str, Any]:
    return services.run_estimate(db, principal, ws_of(request), body.method, body.by, body.bootstrap, body.seed)


@router.get("/claims", tags=["claims"], summary="The claims ledger with verdicts")
def api_claims(limit: int = Query(200, ge=1, le=1000), principal: Principal = Depends(require(acc.CLAIMS_READ)),
               db: Session = DB) -> dict[str, Any]:
    return {"claims": services.claims_ledger(db, principal, limit)}


# ---- users and audit (admins) -------------------------------------------------------------------

@router.get("/users", tags=["admin"])
def api_users(principal: Principal = Depends(require(acc.USERS_MANAGE)), db: Session = DB) -> dict[str, Any]:
    return {"users": acc.describe_users(db)}


@router.post("/users", tags=["admin"], status_code=201, summary="Add a user; the password is returned once")
def api_add_user(body: UserBody, principal: Principal = Depends(require(acc.USERS_MANAGE)),
                 db: Session = DB) -> dict[str, Any]:
    try:
        password = acc.add_user(db, body.username, body.role, body.password, actor=principal.username)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"username": body.username, "role": body.role, "password": password}


@router.post("/users/{username}/role", tags=["admin"])
def api_set_role(username: str, body: RoleBody, request: Request,
                 principal: Principal = Depends(require(acc.USERS_MANAGE)), db: Session = DB) -> dict[str, Any]:
    try:
        acc.change_role(db, username, body.role, actor=principal.username)
        request.app.state.sessions.end_all_for(db, acc.get_user(db, username).id)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"username": username, "role": body.role}


@router.post("/users/{username}/grants/{source_id}", tags=["admin"])
def api_grant(username: str, source_id: int, principal: Principal = Depends(require(acc.USERS_MANAGE)),
              db: Session = DB) -> dict[str, Any]:
    try:
        acc.add_grant(db, username, source_id, actor=principal.username)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"username": username, "source_id": source_id, "granted": True}


@router.delete("/users/{username}/grants/{source_id}", tags=["admin"])
def api_revoke(username: str, source_id: int, principal: Principal = Depends(require(acc.USERS_MANAGE)),
               db: Session = DB) -> dict[str, Any]:
    try:
        acc.remove_grant(db, username, source_id, actor=principal.username)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"username": username, "source_id": source_id, "granted": False}


@router.post("/users/{username}/unlock", tags=["admin"])
def api_unlock(username: str, principal: Principal = Depends(require(acc.USERS_MANAGE)),
               db: Session = DB) -> dict[str, Any]:
    try:
        acc.unlock(db, username, actor=principal.username)
    except acc.AccountError as exc:
        raise account_error(exc) from exc
    return {"username": username, "locked": False}


@router.get("/audit", tags=["admin"])
def api_audit(limit: int = Query(100, ge=1, le=1000), before_seq: int | None = Query(None, ge=0, le=2**62),
              principal: Principal = Depends(require(acc.AUDIT_READ)), db: Session = DB) -> dict[str, Any]:
    return {"entries": services.audit_entries(db, limit, before_seq)}


@router.get("/audit/verify", tags=["admin"], summary="Recompute the audit chain")
def api_audit_verify(principal: Principal = Depends(require(acc.AUDIT_READ)), db: Session = DB) -> dict[str, Any]:
    return services.audit_check(db)


