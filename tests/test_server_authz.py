"""The authorisation matrix: every route times every role (and no login), asserting who gets what.

The expected roles per route are written out here by hand, not derived from the app's own table,
so a change of permissions in the app has to be made on purpose in both places. A route the app
has but this matrix lacks fails the test. A viewer must never receive a name (of a victim, a
father, a witness or a source).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.routing import Mount

from uncounted.records import audit
from uncounted.records.accounts import ROLES, create_user
from uncounted.records.crypto import generate_key
from uncounted.records.models import EstimateRun, EvidenceFile
from uncounted.server import synthetic
from uncounted.server.testing import make_site

ALL = set(ROLES)
READERS = {"admin", "documenter", "reviewer", "analyst"}
IMPORTERS = {"admin", "documenter"}
ADMIN = {"admin"}
SHA0 = "0" * 64


@dataclass
class Route:
    method: str
    path: str
    allowed: set[str]
    kind: str = "api"  # "api" or "page"
    body: Any = None  # JSON body (api) or form dict (page)
    files: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def matrix(case: synthetic.SampleCase, evidence_id: int) -> list[Route]:
    person = case.person_ids[0]
    report = case.report_keys[0]  # from the public source
    other = case.report_keys[1]
    src = case.source_ids["public"]
    api = [
        Route("GET", "/api/me", ALL),
        Route("POST", "/api/account/password", ALL, body={"current_password": "wrong-password!", "new_password": "x" * 12}),
        Route("POST", "/api/account/totp", ALL),
        Route("GET", "/api/stats", ALL),
        Route("GET", "/api/sources", READERS),
        Route("POST", "/api/sources", IMPORTERS, body={"name": "SYNTHETIC new source {role}", "kind": "other"}),
        Route("GET", "/api/documents", READERS),
        Route("POST", "/api/uploads", IMPORTERS, files=True),
        Route("POST", "/api/uploads/preview", IMPORTERS, body={"upload_id": SHA0, "filename": "x.csv"}),
        Route("POST", "/api/imports", IMPORTERS, body={"upload_id": SHA0, "filename": "x.csv", "source_id": src}),
        Route("GET", "/api/imports/999999/rejects", IMPORTERS),
        Route("GET", "/api/persons?q=iqbal", READERS),
        Route("GET", f"/api/persons/{person}", READERS),
        Route("GET", f"/api/reports/{report}", READERS),
        Route("PATCH", f"/api/reports/{report}", IMPORTERS, body={"changes": {"notes": "checked {role}"}, "reason": "test"}),
        Route("GET", f"/api/reports/{other}/sensitive", IMPORTERS),
        Route("POST", f"/api/reports/{report}/evidence", IMPORTERS, files=True),
        Route("GET", f"/api/evidence/{evidence_id}", {"admin", "documenter", "reviewer"}),
        Route("GET", "/api/review/pairs", {"admin", "reviewer"}),
        Route("POST", "/api/review/decisions", {"admin", "reviewer"},
              body={"report_key_l": report, "report_key_r": case.report_keys[3], "decision": "unsure"}),
        Route("GET", "/api/estimates", ALL),
        Route("GET", "/api/estimates/plot.svg", ALL),
        Route("GET", "/api/estimates/methods", {"admin", "analyst"}),
        Route("POST", "/api/estimates", {"admin", "analyst"}, body={"method": "no-such-method", "bootstrap": 0}),
        Route("GET", "/api/claims", {"admin", "analyst"}),
        Route("GET", "/api/users", ADMIN),
        Route("POST", "/api/users", ADMIN, body={"username": "new-{role}", "role": "viewer"}),
        Route("POST", "/api/users/target/role", ADMIN, body={"role": "analyst"}),
        Route("POST", f"/api/users/target/grants/{src}", ADMIN),
        Route("DELETE", f"/api/users/target/grants/{src}", ADMIN),
        Route("POST", "/api/users/target/unlock", ADMIN),
        Route("GET", "/api/audit", ADMIN),
        Route("GET", "/api/audit/verify", ADMIN),
    ]
    pages = [
        Route("GET", "/", ALL, "page"),
        Route("GET", "/sources", READERS, "page"),
        Route("POST", "/sources", IMPORTERS, "page", body={"name": "SYNTHETIC page source {role}", "kind": "other",
                                                             "sensitivity": "restricted"}),
        Route("POST", "/imports/upload", IMPORTERS, "page", body={"source_id": str(src)}, files=True),
        Route("POST", "/imports/preview", IMPORTERS, "page", body={"upload_id": SHA0, "filename": "x.csv", "source_id": str(src)}),
        Route("POST", "/imports/run", IMPORTERS, "page", body={"upload_id": SHA0, "filename": "x.csv", "source_id": str(src)}),
        Route("GET", "/imports/999999/rejects", IMPORTERS, "page"),
        Route("GET", "/persons?q=iqbal", READERS, "page"),
        Route("GET", f"/persons/{person}", READERS, "page"),
        Route("GET", f"/reports/{report}", READERS, "page"),
        Route("GET", f"/reports/{other}/sensitive", IMPORTERS, "page"),
        Route("POST", f"/reports/{report}/edit", IMPORTERS, "page", body={"notes": "page edit {role}", "reason": "test"}),
        Route("POST", f"/reports/{report}/evidence", IMPORTERS, "page", files=True),
        Route("GET", f"/evidence/{evidence_id}", {"admin", "documenter", "reviewer"}, "page"),
        Route("GET", "/review", {"admin", "reviewer"}, "page"),
        Route("POST", "/review/decide", {"admin", "reviewer"}, "page",
              body={"report_key_l": report, "report_key_r": case.report_keys[3], "decision": "unsure"}),
        Route("GET", "/estimates", ALL, "page"),
        Route("POST", "/estimates/run", {"admin", "analyst"}, "page", body={"method": "no-such-method"}),
        Route("GET", "/claims", {"admin", "analyst"}, "page"),
        Route("GET", "/account", ALL, "page"),
        Route("POST", "/account/password", ALL, "page", body={"current_password": "wrong-password!", "new_password": "y" * 12}),
        Route("POST", "/account/totp", ALL, "page"),
        Route("GET", "/admin/users", ADMIN, "page"),
        Route("POST", "/admin/users", ADMIN, "page", body={"username": "page-{role}", "role": "viewer"}),
        Route("POST", "/admin/users/target/unlock", ADMIN, "page"),
        Route("GET", "/admin/audit", ADMIN, "page"),
    ]
    # logging out ends the session, so these run last
    last = [Route("POST", "/api/logout", ALL), Route("POST", "/logout", ALL, "page")]
    return api + pages + last


PUBLIC_ROUTES = {"GET /login", "POST /login", "POST /api/login"}
TEMPLATE_FOR = {  # concrete matrix paths -> the app's route templates
    "/api/persons": "/api/persons", "/persons": "/persons",
}


def route_template(path: str, templates: list[str]) -> str | None:
    """The app route template a concrete path belongs to."""
    import re
    path = path.split("?")[0]
    for template in templates:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    return None


def send(client: Any, route: Route, role: str | None, csrf: str | None) -> Any:
    body = route.body
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("{role}", role or "anon"))
    files = {"file": ("note.txt" if route.path.endswith("evidence") else "list.csv",
                      io.BytesIO(b"name,date\nSYNTHETIC Person,01/01/2020\n"), "text/csv")} if route.files else None
    headers = {"X-CSRF-Token": csrf} if csrf and route.kind == "api" else {}
    if route.kind == "page":
        data = dict(body or {})
        if csrf and route.method == "POST":
            data["csrf_token"] = csrf
        return client.request(route.method, route.path, data=data or None, files=files, headers=headers)
    if route.files:
        return client.request(route.method, route.path, files=files, headers=headers)
    return client.request(route.method, route.path, json=body, headers=headers)


def denied(response: Any, route: Route) -> bool:
    if response.status_code != 403:
        return False
    if route.kind == "api":
        return response.json()["error"]["code"] == "forbidden"
    return "may not do this" in response.text


def unauthenticated(response: Any, route: Route) -> bool:
    if route.kind == "page" and route.method == "GET":
        return response.status_code == 303 and response.headers["location"].startswith("/login")
    if route.kind == "api":
        return response.status_code == 401 and response.json()["error"]["code"] == "not_logged_in"
    return response.status_code == 401


@pytest.fixture
def site_and_case(workspace):  # type: ignore[no-untyped-def]
    key = generate_key()
    case = synthetic.fill(workspace, key)
    site = make_site(workspace, key)
    create_user(workspace, "target", "viewer", actor="test")
    sha, size = workspace.evidence.add_bytes(b"SYNTHETIC photo bytes")
    with workspace.session() as s:
        row = EvidenceFile(report_key=case.report_keys[0], sha256=sha, size=size, original_name="photo.jpg",
                           added_by="test")
        s.add(row)
        # an estimate whose list names (source names) a viewer must not see
        s.add(EstimateRun(method="chapman", data_hash="x" * 64, lists=["SYNTHETIC NGO list", "SYNTHETIC witness testimonies"],
                          scope={"stratum": {"violation": "disappearance"}, "synthetic": True}, observed=40,
                          estimate=61.5, interval_low=50.0, interval_high=80.0, level=0.95))
        s.flush()
        audit.append(s, actor="test", action="evidence_add", object_type="evidence", object_id=row.id)
        evidence_id = row.id
    return site, case, evidence_id


@pytest.mark.slow
def test_every_route_times_every_role(site_and_case) -> None:  # type: ignore[no-untyped-def]
    site, case, evidence_id = site_and_case
    routes = matrix(case, evidence_id)

    # the matrix covers every route the app has
    app_routes = [(m, r.path) for r in site.app.routes if not isinstance(r, Mount)
                  for m in getattr(r, "methods", set()) - {"HEAD"}
                  if r.path not in ("/api/openapi.json", "/api/docs", "/api/docs/oauth2-redirect")]
    templates = sorted({p for _, p in app_routes}, key=len, reverse=True)
    covered = {f"{r.method} {route_template(r.path, templates)}" for r in routes} | PUBLIC_ROUTES
    missing = sorted(f"{m} {p}" for m, p in app_routes if f"{m} {p}" not in covered)
    assert not missing, f"routes without a row in the authorisation matrix: {missing}"

    failures: list[str] = []
    viewer_bodies: list[str] = []
    anonymous = site.client()
    for route in routes:
        response = send(anonymous, route, None, None)
        if not unauthenticated(response, route):
            failures.append(f"no login: {route.key} -> {response.status_code}")
    clients = {role: site.login(role) for role in ROLES}
    for route in routes:
        for role in ROLES:
            client, csrf = clients[role]
            response = send(client, route, role, csrf)
            if role in route.allowed:
                if response.status_code in (401, 403) and response.headers.get("content-type", "").startswith(
                        "application/json") and response.json()["error"]["code"] in ("forbidden", "not_logged_in",
                                                                                     "csrf_failed"):
                    failures.append(f"{role} refused on {route.key}: {response.text[:200]}")
                elif response.status_code in (401, 403) and route.kind == "page" and "may not do this" in response.text:
                    failures.append(f"{role} refused on page {route.key}")
                elif response.status_code >= 500:
                    failures.append(f"{role} got {response.status_code} on {route.key}: {response.text[:200]}")
            elif not denied(response, route):
                failures.append(f"{role} NOT refused on {route.key}: {response.status_code} {response.text[:120]}")
            if role == "viewer" and response.status_code < 400:
                viewer_bodies.append(f"{route.key}: {response.text}")
    assert not failures, "\n".join(failures)

    # a viewer never receives a name: no victim, father, witness or source name in any answer
    forbidden_words = set(case.names) | set(synthetic.FATHERS) | set(case.sensitive_values) | {
        "SYNTHETIC NGO list", "SYNTHETIC witness testimonies", "SYNTHETIC public press clippings"}
    forbidden_words |= {synthetic.spelling_variant(n, 1) for n in case.names}
    leaks = [(word, body[:80]) for body in viewer_bodies for word in forbidden_words if word in body]
    assert not leaks, f"the viewer received names: {leaks[:5]}"
    assert viewer_bodies, "the viewer was allowed nothing at all"


def test_viewer_estimates_are_aggregates_only(site_and_case) -> None:  # type: ignore[no-untyped-def]
    site, case, _ = site_and_case
    viewer, _ = site.login("viewer")
    runs = viewer.get("/api/estimates").json()["runs"]
    assert runs and all("lists" not in r and "created_by" not in r for r in runs)
    analyst, _ = site.login("analyst")
    assert analyst.get("/api/estimates").json()["runs"][0]["lists"] == ["SYNTHETIC NGO list",
                                                                         "SYNTHETIC witness testimonies"]
    stats = viewer.get("/api/stats").json()
    assert stats["small_cells_suppressed"] is True
    assert all(isinstance(v, int) and v >= 5 or v == "<5" for v in stats["by_year"].values())
