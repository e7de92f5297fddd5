"""Server-rendered pages. They call the same functions as the API (services, imports, accounts) and
use the same permission dependency; forms carry the session's CSRF token."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from uncounted.records import accounts as acc
from uncounted.records import audit
from uncounted.records.query import is_synthetic
from uncounted.server import imports, plot, search, services
from uncounted.server.api import file_response, login_message
from uncounted.server.auth import Principal, client_ip, current_principal, require
from uncounted.server.errors import ApiError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["stratum_label"] = plot.stratum_label


def render(request: Request, name: str, principal: Principal | None, status: int = 200, **context: Any) -> HTMLResponse:
    ws = request.app.state.ws
    with ws.session() as db:
        synthetic = is_synthetic(db)
    return templates.TemplateResponse(request, name, {
        "me": principal, "csrf": principal.csrf_token if principal else None, "synthetic": synthetic,
        "acc": acc, "msg": request.query_params.get("msg"), **context}, status_code=status)


def redirect(path: str, msg: str | None = None) -> RedirectResponse:
    if msg:
        path += ("&" if "?" in path else "?") + urlencode({"msg": msg})
    return RedirectResponse(path, status_code=303)


def in_db(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
    with request.app.state.ws.session() as db:
        return fn(db, *args)


async def form_of(request: Request) -> Any:
    return await request.form()


# ---- login ----------------------------------------------------------------------------------------

@router.get("/login")
async def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    manager = request.app.state.sessions
    token, cookie = manager.new_prelogin_token()
    response = render(request, "login.html", None, login_token=token, error=error,
                      next=_safe_next(request.query_params.get("next")))
    response.set_cookie(manager.config.prelogin_cookie, cookie, **manager.cookie_settings(max_age=3600))
    return response


@router.post("/login")
async def login_submit(request: Request) -> Response:
    manager = request.app.state.sessions
    form = await request.form()
    if not manager.check_prelogin(request, str(form.get("login_token") or "")):
        return render(request, "error.html", None, status=403, code="csrf_failed",
                      message="The login form expired. Go back, reload the page and log in again.")
    ip = client_ip(request)
    if manager.throttled(ip):
        return render(request, "error.html", None, status=429, code="too_many_attempts",
                      message="Too many failed logins from your address; wait a few minutes.")

    def attempt(db: Any) -> tuple[Any, str | None]:
        outcome = acc.authenticate(db, str(form.get("username") or "")[:100], str(form.get("password") or "")[:1000],
                                   str(form.get("totp_code") or "")[:12] or None, key=request.app.state.key(),
                                   max_failures=manager.config.max_failures,
                                   lockout_minutes=manager.config.lockout_minutes, ip=ip)
        if not outcome.ok:
            return outcome, None
        cookie, _ = manager.start(db, outcome.user)
        return outcome, cookie

    outcome, cookie = await run_in_threadpool(in_db, request, attempt)
    if cookie is None:
        manager.note_failure(ip)
        response = await login_page(request, error=outcome.message or login_message(outcome.reason))
        response.status_code = 401
        return response
    response = redirect(_safe_next(str(form.get("next") or "")) or "/")
    response.set_cookie(manager.config.session_cookie, cookie, **manager.cookie_settings())
    response.delete_cookie(manager.config.prelogin_cookie, path="/", secure=manager.config.secure_cookies,
                           httponly=True, samesite="strict")
    return response


def _safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host, no backslashes) is followed after login."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or ":" in value.split("?")[0]:
        return ""
    return value[:500]


@router.post("/logout")
async def logout(request: Request, principal: Principal = Depends(require(None))) -> Response:
    manager = request.app.state.sessions

    def end(db: Any) -> None:
        manager.end(db, principal)
        audit.append(db, actor=principal.username, action="logout", object_type="user", object_id=principal.username)

    await run_in_threadpool(in_db, request, end)
    response = redirect("/login", "You are logged out.")
    response.delete_cookie(manager.config.session_cookie, path="/", secure=manager.config.secure_cookies,
                           httponly=True, samesite="strict")
    return response


# ---- dashboard ------------------------------------------------------------------------------------

@router.get("/")
def home(request: Request, principal: Principal = Depends(require(acc.AGGREGATES_READ))) -> HTMLResponse:
    stats = in_db(request, services.aggregates, principal)
    return render(request, "home.html", principal, stats=stats)


# ---- sources and imports --------------------------------------------------------------------------

@router.get("/sources")
def sources_page(request: Request, principal: Principal = Depends(require(acc.SOURCES_READ))) -> HTMLResponse:
    sources = in_db(request, services.list_sources, principal)
    documents = in_db(request, services.list_documents, principal, 50)
    from uncounted.records.models import SENSITIVITY_LEVELS, SOURCE_KINDS
    return render(request, "sources.html", principal, sources=sources, documents=documents,
                  kinds=SOURCE_KINDS, levels=SENSITIVITY_LEVELS)


@router.post("/sources")
async def sources_create(request: Request, principal: Principal = Depends(require(acc.IMPORT))) -> Response:
    form = await form_of(request)
    fields = [f for f in str(form.get("sensitive_fields") or "").replace(";", ",").split(",") if f.strip()]
    created = await run_in_threadpool(in_db, request, services.create_source, principal, str(form.get("name") or ""),
                                      str(form.get("kind") or "other"), str(form.get("sensitivity") or "restricted"),
                                      str(form.get("description") or "") or None, fields)
    return redirect("/sources", f"Source {created['name']!r} created.")


@router.post("/imports/upload")
async def import_upload(request: Request, principal: Principal = Depends(require(acc.IMPORT))) -> Response:
    form = await form_of(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ApiError(422, "invalid_request", "Choose a CSV or XLSX file to upload.")
    source_id = _int(form.get("source_id"), "source")
    ws = request.app.state.ws
    source = await run_in_threadpool(in_db, request, services.get_visible_source, principal, source_id)
    stored = await run_in_threadpool(in_db, request, imports.store_upload, principal, ws, upload.filename, upload.file)
    preview = await run_in_threadpool(imports.preview, ws, stored["upload_id"], stored["filename"], None, source,
                                      request.app.state.key())
    return await _preview_page(request, principal, preview, source_id)


async def _preview_page(request: Request, principal: Principal, preview: dict[str, Any], source_id: int) -> HTMLResponse:
    source = await run_in_threadpool(in_db, request, services.get_visible_source, principal, source_id)
    return render(request, "import_preview.html", principal, p=preview, source={"id": source.id, "name": source.name})


def _mapping_from_form(form: Any, headers: list[str]) -> dict[str, str]:
    return {h: str(form.get(f"map_{i}") or "") for i, h in enumerate(headers)}


@router.post("/imports/preview")
async def import_repreview(request: Request, principal: Principal = Depends(require(acc.IMPORT))) -> Response:
    form = await form_of(request)
    ws = request.app.state.ws
    upload_id, filename = str(form.get("upload_id") or ""), str(form.get("filename") or "")
    source_id = _int(form.get("source_id"), "source")
    await run_in_threadpool(in_db, request, imports.check_upload_owner, principal, upload_id)
    source = await run_in_threadpool(in_db, request, services.get_visible_source, principal, source_id)
    first = await run_in_threadpool(imports.preview, ws, upload_id, filename)
    mapping = _mapping_from_form(form, first["headers"])
    preview = await run_in_threadpool(imports.preview, ws, upload_id, filename, mapping, source,
                                      request.app.state.key())
    return await _preview_page(request, principal, preview, source_id)


@router.post("/imports/run")
async def import_run(request: Request, principal: Principal = Depends(require(acc.IMPORT))) -> Response:
    form = await form_of(request)
    ws = request.app.state.ws
    upload_id, filename = str(form.get("upload_id") or ""), str(form.get("filename") or "")
    source_id = _int(form.get("source_id"), "source")
    await run_in_threadpool(in_db, request, imports.check_upload_owner, principal, upload_id)
    first = await run_in_threadpool(imports.preview, ws, upload_id, filename)
    mapping = _mapping_from_form(form, first["headers"])
    await run_in_threadpool(in_db, request, services.get_visible_source, principal, source_id)
    result = await run_in_threadpool(in_db, request, imports.run_import, principal, ws, upload_id, filename,
                                     source_id, mapping, bool(form.get("strict")), request.app.state.key())
    return render(request, "import_result.html", principal, r=result, filename=filename)


@router.get("/imports/{import_id}/rejects")
def import_rejects(import_id: int, request: Request, principal: Principal = Depends(require(acc.IMPORT))) -> Response:
    sha, name = in_db(request, imports.rejects_for_download, principal, import_id)
    return file_response(request.app.state.ws, sha, name, "text/csv")


# ---- persons and reports ---------------------------------------------------------------------------

@router.get("/persons")
def persons_page(request: Request, principal: Principal = Depends(require(acc.PERSONS_READ))) -> HTMLResponse:
    params = request.query_params
    query = search.PersonQuery(q=params.get("q") or None, date_from=_date(params.get("date_from")),
                               date_to=_date(params.get("date_to")), place=params.get("place") or None,
                               violation=params.get("violation") or None,
                               source_id=_int(params.get("source_id"), "source") if params.get("source_id") else None,
                               offset=_int(params.get("offset") or "0", "offset"))
    searched = any(params.get(k) for k in ("q", "date_from", "date_to", "place", "violation", "source_id"))
    found = in_db(request, services.search_persons, principal, query, request.app.state.index_key)
    sources = in_db(request, services.list_sources, principal)
    violations = in_db(request, services.violation_values)
    return render(request, "persons.html", principal, found=found, params=params, sources=sources,
                  violations=violations, searched=searched)


@router.get("/persons/{person_id}")
def person_page(person_id: int, request: Request, principal: Principal = Depends(require(acc.PERSONS_READ))) -> HTMLResponse:
    person = in_db(request, services.person_detail, principal, person_id)
    return render(request, "person.html", principal, p=person)


@router.get("/reports/{report_key}")
def report_page(report_key: str, request: Request, principal: Principal = Depends(require(acc.PERSONS_READ))) -> HTMLResponse:
    report = in_db(request, services.report_detail, principal, report_key)
    return render(request, "report.html", principal, r=report, editable=services.EDITABLE_FIELDS, sensitive=None)


@router.get("/reports/{report_key}/sensitive")
def report_sensitive(report_key: str, request: Request,
                     principal: Principal = Depends(require(acc.SENSITIVE_READ))) -> HTMLResponse:
    sensitive = in_db(request, services.read_sensitive, principal, report_key, request.app.state.key(required=True))
    report = in_db(request, services.report_detail, principal, report_key)
    return render(request, "report.html", principal, r=report, editable=services.EDITABLE_FIELDS,
                  sensitive=sensitive["fields"])


@router.post("/reports/{report_key}/edit")
async def report_edit(report_key: str, request: Request, principal: Principal = Depends(require(acc.REPORTS_EDIT))) -> Response:
    form = await form_of(request)
    current = await run_in_threadpool(in_db, request, services.report_detail, principal, report_key)
    changes = {f: str(form.get(f) or "") for f in services.EDITABLE_FIELDS
               if f in form and str(form.get(f) or "") != str(current.get(f) or "")}
    if not changes:
        return redirect(f"/reports/{quote(report_key)}", "Nothing changed.")
    await run_in_threadpool(in_db, request, services.edit_report, principal, report_key, changes,
                            str(form.get("reason") or ""))
    return redirect(f"/reports/{quote(report_key)}", f"Saved a new version ({', '.join(sorted(changes))}).")


@router.post("/reports/{report_key}/evidence")
async def report_evidence(report_key: str, request: Request,
                          principal: Principal = Depends(require(acc.EVIDENCE_ADD))) -> Response:
    form = await form_of(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ApiError(422, "invalid_request", "Choose a file to attach.")
    added = await run_in_threadpool(in_db, request, services.add_evidence, principal, request.app.state.ws,
                                    report_key, upload.filename, upload.content_type, upload.file)
    return redirect(f"/reports/{quote(report_key)}", f"Attached {added['original_name']} (SHA-256 {added['sha256'][:12]}…).")


@router.get("/evidence/{evidence_id}")
def evidence_download(evidence_id: int, request: Request,
                      principal: Principal = Depends(require(acc.EVIDENCE_DOWNLOAD))) -> Response:
    row = in_db(request, services.evidence_for_download, principal, evidence_id)
    return file_response(request.app.state.ws, row.sha256, row.original_name, row.media_type)


# ---- review -------------------------------------------------------------------------------------------

@router.get("/review")
def review_page(request: Request, principal: Principal = Depends(require(acc.REVIEW))) -> HTMLResponse:
    queue = in_db(request, services.review_queue, principal, 1)
    return render(request, "review.html", principal, q=queue, pair=queue["pairs"][0] if queue["pairs"] else None)


@router.post("/review/decide")
async def review_decide(request: Request, principal: Principal = Depends(require(acc.REVIEW))) -> Response:
    form = await form_of(request)
    decided = await run_in_threadpool(in_db, request, services.decide_pair, principal,
                                      str(form.get("report_key_l") or ""), str(form.get("report_key_r") or ""),
                                      str(form.get("decision") or ""), str(form.get("note") or "") or None)
    return redirect("/review", f"Saved: {decided['decision']}.")


# ---- estimates and claims ----------------------------------------------------------------------------

@router.get("/estimates")
def estimates_page(request: Request, principal: Principal = Depends(require(acc.AGGREGATES_READ))) -> HTMLResponse:
    latest = in_db(request, services.latest_estimates, principal)
    methods: list[str] = []
    if principal.can(acc.ESTIMATES_RUN):
        from uncounted.estimate import available_estimators
        methods = available_estimators()
    return render(request, "estimates.html", principal, latest=latest, methods=methods,
                  svg=plot.estimates_svg(latest["runs"]))


@router.post("/estimates/run")
async def estimates_run(request: Request, principal: Principal = Depends(require(acc.ESTIMATES_RUN))) -> Response:
    form = await form_of(request)
    done = await run_in_threadpool(in_db, request, services.run_estimate, principal, request.app.state.ws,
                                   str(form.get("method") or "loglinear"), str(form.get("by") or "") or None,
                                   _int(form.get("bootstrap") or "200", "bootstrap"), 0)
    return redirect("/estimates", f"Stored estimate run {done['run_id']} ({len(done['runs'])} rows).")


@router.get("/claims")
def claims_page(request: Request, principal: Principal = Depends(require(acc.CLAIMS_READ))) -> HTMLResponse:
    return render(request, "claims.html", principal, claims=in_db(request, services.claims_ledger, principal, 500))


# ---- account and admin ----------------------------------------------------------------------------------

@router.get("/account")
def account_page(request: Request, principal: Principal = Depends(require(None))) -> HTMLResponse:
    users = in_db(request, acc.describe_users)
    mine = next((u for u in users if u["username"] == principal.username), {})
    return render(request, "account.html", principal, user=mine, totp=None)


@router.post("/account/password")
async def account_password(request: Request, principal: Principal = Depends(require(None))) -> Response:
    form = await form_of(request)

    def change(db: Any) -> None:
        user = acc.get_user(db, principal.username)
        if not acc.verify_password(user.password_hash, str(form.get("current_password") or "")):
            raise ApiError(403, "wrong_password", "The current password is wrong.")
        try:
            acc.change_password(db, principal.username, str(form.get("new_password") or ""), actor=principal.username)
        except acc.AccountError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from exc

    await run_in_threadpool(in_db, request, change)
    return redirect("/account", "Password changed.")


@router.post("/account/totp")
async def account_totp(request: Request, principal: Principal = Depends(require(None))) -> Response:
    key = request.app.state.key(required=True)
    secret, uri = await run_in_threadpool(in_db, request, lambda db: acc.enable_totp(
        db, principal.username, key, actor=principal.username))
    users = await run_in_threadpool(in_db, request, acc.describe_users)
    mine = next((u for u in users if u["username"] == principal.username), {})
    return render(request, "account.html", principal, user=mine, totp={"secret": secret, "uri": uri})


@router.get("/admin/users")
def users_page(request: Request, principal: Principal = Depends(require(acc.USERS_MANAGE))) -> HTMLResponse:
    users = in_db(request, acc.describe_users)
    sources = in_db(request, services.list_sources, principal)
    return render(request, "users.html", principal, users=users, sources=sources, roles=acc.ROLES, new_password=None)


@router.post("/admin/users")
async def users_add(request: Request, principal: Principal = Depends(require(acc.USERS_MANAGE))) -> Response:
    form = await form_of(request)
    username, role = str(form.get("username") or ""), str(form.get("role") or "")

    def add(db: Any) -> str:
        try:
            return acc.add_user(db, username, role, None, actor=principal.username)
        except acc.AccountError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from exc

    password = await run_in_threadpool(in_db, request, add)
    users = await run_in_threadpool(in_db, request, acc.describe_users)
    sources = await run_in_threadpool(in_db, request, services.list_sources, principal)
    return render(request, "users.html", principal, users=users, sources=sources, roles=acc.ROLES,
                  new_password={"username": username, "password": password})


@router.post("/admin/users/{username}/{action}")
async def users_change(username: str, action: str, request: Request,
                       principal: Principal = Depends(require(acc.USERS_MANAGE))) -> Response:
    form = await form_of(request)
    sessions = request.app.state.sessions

    def change(db: Any) -> str:
        try:
            if action == "role":
                acc.change_role(db, username, str(form.get("role") or ""), actor=principal.username)
                sessions.end_all_for(db, acc.get_user(db, username).id)
                return f"{username} is now {form.get('role')}."
            if action in ("grant", "revoke"):
                source = _int(form.get("source_id"), "source")
                (acc.add_grant if action == "grant" else acc.remove_grant)(db, username, source, actor=principal.username)
                return f"{action.capitalize()} done for {username}."
            if action == "unlock":
                acc.unlock(db, username, actor=principal.username)
                return f"{username} is unlocked."
        except acc.AccountError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from exc
        raise ApiError(404, "not_found", f"There is no user action {action!r}.")

    message = await run_in_threadpool(in_db, request, change)
    return redirect("/admin/users", message)


@router.get("/admin/audit")
def audit_page(request: Request, principal: Principal = Depends(require(acc.AUDIT_READ))) -> HTMLResponse:
    before = request.query_params.get("before_seq")
    entries = in_db(request, services.audit_entries, 100, _int(before, "before_seq") if before else None)
    check = in_db(request, services.audit_check)
    return render(request, "audit.html", principal, entries=entries, check=check)


def _int(value: Any, what: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise ApiError(422, "invalid_request", f"The {what} must be a whole number, not {str(value)[:40]!r}.") from None
    if not 0 <= number < 2**31:
        raise ApiError(422, "invalid_request", f"The {what} number {number} is out of range.")
    return number


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_request", f"{value!r} is not a date; use YYYY-MM-DD.") from None


__all__ = ["router", "current_principal"]
