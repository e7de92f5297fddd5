"""The JSON API and pages doing their jobs: empty workspaces, search, grants, imports with rejects,
review decisions, estimates, evidence (chain of custody), edits and the one error shape."""

from __future__ import annotations

import hashlib
import warnings

import pytest
from sqlalchemy import select

from uncounted.records.crypto import decrypt_fields, generate_key
from uncounted.records.models import AuditEntry, EvidenceFile, MatchDecision, Report
from uncounted.server import synthetic
from uncounted.server.testing import make_site

PAGES = ["/", "/sources", "/persons", "/persons?q=iqbal", "/review", "/estimates", "/claims", "/admin/users",
         "/admin/audit", "/account"]
APIS = ["/api/me", "/api/stats", "/api/sources", "/api/documents", "/api/persons?q=x", "/api/review/pairs",
        "/api/estimates", "/api/estimates/plot.svg", "/api/claims", "/api/users", "/api/audit", "/api/audit/verify"]


@pytest.fixture
def case_site(workspace):  # type: ignore[no-untyped-def]
    key = generate_key()
    case = synthetic.fill(workspace, key)
    return case, make_site(workspace, key)


def test_everything_works_on_an_empty_workspace(workspace) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace, None, users=False)
    from uncounted.records.accounts import create_user
    password = create_user(workspace, "admin", "admin")
    client, _ = site.login("admin", password)
    for path in PAGES + APIS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    assert client.get("/api/persons").json()["results"] == []
    assert "No persons yet" in client.get("/persons").text


def test_search_is_romanisation_aware_and_filters(case_site) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, _ = site.login("admin")
    found = client.get("/api/persons", params={"q": "Mohammad Ikbal"}).json()["results"]
    assert [p["name"] for p in found] == ["Muhammad Iqbal Baloch"], found
    assert client.get("/api/persons", params={"q": "abdur rahman"}).json()["results"][0]["name"].startswith("Abdul Rehman")
    # prefix of a token
    assert client.get("/api/persons", params={"q": "salah"}).json()["results"]
    by_violation = client.get("/api/persons", params={"violation": "killing"}).json()["results"]
    assert by_violation and all("killing" in p["violations"] for p in by_violation)
    by_place = client.get("/api/persons", params={"place": "turbat"}).json()["results"]
    assert by_place and all("Turbat" in p["places"] for p in by_place)
    in_2011 = client.get("/api/persons", params={"date_from": "2011-01-01", "date_to": "2011-12-31"}).json()["results"]
    assert in_2011 and all(p["date_first"].startswith("2011") for p in in_2011)
    none = client.get("/api/persons", params={"q": "zzzqqq"}).json()
    assert none["results"] == [] and none["more"] is False
    page = client.get("/api/persons", params={"limit": 5}).json()
    assert len(page["results"]) == 5 and page["more"] is True
    nxt = client.get("/api/persons", params={"limit": 5, "offset": 5}).json()["results"]
    assert {p["id"] for p in nxt}.isdisjoint({p["id"] for p in page["results"]})
    html = client.get("/persons", params={"q": "Mohammad Ikbal"}).text
    assert "Muhammad Iqbal Baloch" in html


def test_person_page_shows_which_source_gave_which_value(case_site) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, _ = site.login("admin")
    person = client.get(f"/api/persons/{case.person_ids[2]}").json()  # three reports, three sources
    assert len(person["reports"]) == 3
    names = {(v["value"], v["source"]) for v in person["values"] if v["field"] == "name"}
    assert len(names) == 3 and len({s for _, s in names}) == 3
    page = client.get(f"/persons/{case.person_ids[2]}").text
    for value, source in names:
        assert value in page and source in page


def test_grants_decide_what_a_user_sees(case_site, workspace) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    documenter, _ = site.login("documenter")
    # person 1 has a restricted report (index 0 of its reports) and a secret one; person 0 is public only
    sources = {s["name"] for s in documenter.get("/api/sources").json()["sources"]}
    assert sources == {"SYNTHETIC public press clippings"}
    person = documenter.get(f"/api/persons/{case.person_ids[2]}").json()
    assert {r["source"] for r in person["reports"]} == {"SYNTHETIC public press clippings"}
    assert person["hidden_reports"] == 2
    assert all(v["source"] == "SYNTHETIC public press clippings" for v in person["values"])
    # person 1 has a restricted and a secret report only: for this user that person does not exist
    assert documenter.get(f"/api/persons/{case.person_ids[1]}").status_code == 404
    assert case.person_ids[1] not in [p["id"] for p in documenter.get("/api/persons").json()["results"]]
    # search never matches on a report the user may not see
    admin, csrf = site.login("admin")
    restricted_name = admin.get(f"/api/reports/{case.report_keys[1]}").json()["name_raw"]
    hits = documenter.get("/api/persons", params={"q": restricted_name}).json()["results"]
    assert all(case.report_keys[1] not in str(h) for h in hits)
    assert documenter.get(f"/api/reports/{case.report_keys[1]}").status_code == 404
    # after a grant, the restricted source's reports appear
    admin.post(f"/api/users/documenter/grants/{case.source_ids['restricted']}", headers={"X-CSRF-Token": csrf})
    assert documenter.get(f"/api/reports/{case.report_keys[1]}").status_code == 200
    assert documenter.get(f"/api/persons/{case.person_ids[1]}").status_code == 200


CSV = ("S.No,Name of Victim,Father Name,Date of Incident,Place,Type,Remarks\n"
       "1,Muhammad Iqbal,Abdul Ghafoor,14/10/2012,Turbat,disappeared,SYNTHETIC\n"
       "2,Nasreen Bibi,Ghulam Nabi,12/05/2013,Quetta,killed,SYNTHETIC row with a stray comma,oops\n"
       "3,Zubair Ahmed,Noor Ahmed,2013,Gwadar,abducted,SYNTHETIC\n")


def test_upload_preview_fix_mapping_import_and_rejects(workspace) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace, None)
    client, csrf = site.login("documenter")
    headers = {"X-CSRF-Token": csrf}
    src = client.post("/api/sources", json={"name": "SYNTHETIC upload list", "kind": "ngo_list"}, headers=headers).json()
    preview = client.post("/api/uploads", files={"file": ("list.csv", CSV.encode(), "text/csv")},
                          data={"source_id": str(src["id"])}, headers=headers)
    assert preview.status_code == 201, preview.text
    p = preview.json()
    assert p["mapping"]["Name of Victim"] == "name" and p["rows"][0]["cells"][1] == "Muhammad Iqbal"
    assert p["dry_run"]["rows_read"] == 3
    with workspace.session() as s:  # a preview writes no report
        assert s.execute(select(Report)).first() is None
    mapping = dict(p["mapping"], Type="violation")
    fixed = client.post("/api/uploads/preview", json={"upload_id": p["upload_id"], "filename": "list.csv",
                                                      "mapping": mapping, "source_id": src["id"]}, headers=headers).json()
    assert fixed["mapping"]["Type"] == "violation"
    bad = client.post("/api/uploads/preview", json={"upload_id": p["upload_id"], "filename": "list.csv",
                                                    "mapping": {"Type": "no-such-field"}}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    result = client.post("/api/imports", json={"upload_id": p["upload_id"], "filename": "list.csv",
                                               "source_id": src["id"], "mapping": mapping}, headers=headers)
    assert result.status_code == 201, result.text
    r = result.json()
    assert r["imported"] == 2 and r["rejected"] == 1 and r["rejects_available"]
    assert any(pr["row"] == 3 for pr in r["problems"])
    rejects = client.get(f"/api/imports/{r['import_id']}/rejects")
    assert rejects.status_code == 200 and "SYNTHETIC row with a stray comma" in rejects.text
    with workspace.session() as s:
        violations = {x.violation_raw for x in s.execute(select(Report)).scalars()}
        log = {(e.actor, e.action) for e in s.execute(select(AuditEntry)).scalars()}
    assert "disappeared" in violations, "the fixed mapping was used"
    assert {("documenter", "upload"), ("documenter", "import"), ("documenter", "rejects_download")} <= log
    # an admin may download the rejects too; a user without the source may not
    admin, _ = site.login("admin")
    assert admin.get(f"/api/imports/{r['import_id']}/rejects").status_code == 200
    # another documenter may not preview or import someone else's upload, even knowing its hash
    from uncounted.records.accounts import create_user
    site.passwords["doc2"] = create_user(workspace, "doc2", "documenter")
    doc2, csrf2 = site.login("doc2")
    stolen = doc2.post("/api/uploads/preview", json={"upload_id": p["upload_id"], "filename": "list.csv"},
                       headers={"X-CSRF-Token": csrf2})
    assert stolen.status_code == 404


def test_sensitive_columns_are_refused_without_a_key_and_encrypted_with_one(workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("UNCOUNTED_KEY", raising=False)
    phone = "+00 555 0193 SYNTHETIC"
    data = f"Name,Date,Witness phone\nSYNTHETIC Person,01/02/2015,{phone}\n"
    # without a key: the preview says so (and never shows the phone), the import is refused
    site = make_site(workspace, None)
    client, csrf = site.login("documenter")
    headers = {"X-CSRF-Token": csrf}
    src = client.post("/api/sources", json={"name": "SYNTHETIC with witnesses"}, headers=headers).json()
    p = client.post("/api/uploads", files={"file": ("w.csv", data.encode(), "text/csv")},
                    data={"source_id": str(src["id"])}, headers=headers).json()
    assert p["sensitive_columns"] == ["Witness phone"] and p["key_configured"] is False
    assert phone not in str(p), "the preview never shows a sensitive cell"
    body = {"upload_id": p["upload_id"], "filename": "w.csv", "source_id": src["id"], "mapping": p["mapping"]}
    refused = client.post("/api/imports", json={**body, "allow_sensitive_plaintext": True}, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "sensitive_columns_need_key"
    assert "uncounted key generate" in refused.json()["error"]["message"]
    with workspace.session() as s:
        assert s.execute(select(Report)).first() is None
    # with a key: imported, the phone only in the encrypted blob
    key = generate_key()
    keyed = make_site(workspace, key, users=False)
    client, csrf = keyed.login("documenter", site.passwords["documenter"])
    done = client.post("/api/imports", json=body, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201, done.text
    with workspace.session() as s:
        [report] = s.execute(select(Report)).scalars().all()
        assert "Witness phone" not in report.raw and phone not in str(report.raw)
        assert decrypt_fields(key, report.sensitive_enc, report_key=report.report_key) == {"Witness phone": phone}
        details = [str(e.details) for e in s.execute(select(AuditEntry)).scalars()]
    assert not [d for d in details if phone in d]


def test_review_decisions_are_stored_and_supersede(case_site, workspace) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, csrf = site.login("admin")
    headers = {"X-CSRF-Token": csrf}
    queue = client.get("/api/review/pairs").json()
    first = queue["pairs"][0]
    assert first["left"]["name_raw"] and first["explanation"][0]["field"] == "name"
    pair = {"report_key_l": first["report_key_l"], "report_key_r": first["report_key_r"]}
    assert client.post("/api/review/decisions", json={**pair, "decision": "unsure"}, headers=headers).status_code == 201
    assert client.get("/api/review/pairs").json()["pairs"][0]["pair_id"] == first["pair_id"], "unsure stays open"
    assert client.post("/api/review/decisions", json={**pair, "decision": "different"}, headers=headers).status_code == 201
    after = client.get("/api/review/pairs").json()
    assert first["pair_id"] not in [p["pair_id"] for p in after["pairs"]]
    assert after["remaining"] == queue["remaining"] - 1
    with workspace.session() as s:
        rows = s.execute(select(MatchDecision).order_by(MatchDecision.id)).scalars().all()
    assert [(d.decision, d.is_current, d.decided_by) for d in rows] == [("unsure", False, "admin"),
                                                                         ("different", True, "admin")]
    bad = client.post("/api/review/decisions", json={**pair, "decision": "maybe"}, headers=headers)
    assert bad.status_code == 422 and set(bad.json()["error"]) == {"code", "message", "details"}
    # the page form, with one key per decision
    page = client.get("/review").text
    assert 'data-key="s"' in page and 'data-key="d"' in page and 'data-key="u"' in page


def test_run_an_estimate_and_see_it(workspace) -> None:  # type: ignore[no-untyped-def]
    synthetic.fill(workspace, None, persons=60)
    site = make_site(workspace, None)
    client, csrf = site.login("analyst")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        done = client.post("/api/estimates", json={"method": "loglinear", "by": "violation", "bootstrap": 20},
                           headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201, done.text
    runs = done.json()["runs"]
    combined = [r for r in runs if r["stratum"] == "all"][0]
    assert combined["observed"] == 60 and combined["estimate"] >= 60
    assert combined["interval_low"] <= combined["estimate"] <= combined["interval_high"]
    latest = client.get("/api/estimates").json()["runs"]
    assert {r["id"] for r in latest} == {r["id"] for r in runs}
    svg = client.get("/api/estimates/plot.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "SYNTHETIC" in svg.text
    assert "SYNTHETIC DATA" in client.get("/estimates").text


def test_evidence_is_content_addressed_with_custody(case_site, workspace) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, csrf = site.login("documenter")
    data = b"SYNTHETIC scanned letter"
    for name in ("letter.pdf", "letter-copy.pdf"):
        response = client.post(f"/api/reports/{case.report_keys[0]}/evidence", headers={"X-CSRF-Token": csrf},
                               files={"file": (name, data, "application/pdf")})
        assert response.status_code == 201
        assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert workspace.evidence.has(hashlib.sha256(data).hexdigest())
    with workspace.session() as s:
        rows = s.execute(select(EvidenceFile)).scalars().all()
    assert [(r.original_name, r.added_by) for r in rows] == [("letter.pdf", "documenter"),
                                                             ("letter-copy.pdf", "documenter")]
    download = client.get(f"/api/evidence/{rows[0].id}")
    assert hashlib.sha256(download.content).hexdigest() == rows[0].sha256
    assert download.headers["content-type"] == "application/octet-stream"
    report = client.get(f"/api/reports/{case.report_keys[0]}").json()
    assert len(report["evidence"]) == 2


def test_edit_writes_a_new_version(case_site, workspace) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, csrf = site.login("documenter")
    key = case.report_keys[0]
    response = client.patch(f"/api/reports/{key}", json={"changes": {"event_place": "Kech"}, "reason": "typo"},
                            headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert client.get(f"/api/reports/{key}").json()["event_place"] == "Kech"
    found = client.get("/api/persons", params={"place": "Kech"}).json()["results"]
    assert [p["id"] for p in found] == [case.person_ids[0]], "the search index follows the edit"
    refused = client.patch(f"/api/reports/{key}", json={"changes": {"source_id": "2"}, "reason": "x"},
                           headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 422
    with workspace.session() as s:
        versions = s.execute(select(Report.version, Report.is_current).where(Report.report_key == key)
                             .order_by(Report.version)).all()
    assert [tuple(v) for v in versions] == [(1, False), (2, True)]


def test_one_error_shape(case_site) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    anonymous = site.client()
    client, _ = site.login("viewer")
    cases = [anonymous.get("/api/persons"), client.get("/api/persons"), client.get("/api/no/such/thing"),
             client.get("/api/persons/notanumber"), client.post("/api/login", json={"username": 5}),
             client.get("/api/evidence/99999")]
    for response in cases:
        assert response.status_code >= 400
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_openapi_describes_the_api_only(case_site) -> None:  # type: ignore[no-untyped-def]
    _, site = case_site
    spec = site.client().get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert all(p.startswith("/api/") for p in paths)
    for expected in ("/api/persons", "/api/persons/{person_id}", "/api/review/decisions", "/api/imports",
                     "/api/estimates", "/api/claims", "/api/audit/verify", "/api/uploads"):
        assert expected in paths


def test_pages_render_for_the_admin(case_site) -> None:  # type: ignore[no-untyped-def]
    case, site = case_site
    client, _ = site.login("admin")
    for path in PAGES + [f"/persons/{case.person_ids[0]}", f"/reports/{case.report_keys[0]}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "SYNTHETIC DATA" in response.text, "synthetic workspaces say so on every page"


def test_oversized_uploads_are_refused(case_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from uncounted.server import imports
    case, site = case_site
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 10)
    client, csrf = site.login("documenter")
    big = client.post(f"/api/reports/{case.report_keys[0]}/evidence", headers={"X-CSRF-Token": csrf},
                      files={"file": ("big.bin", b"x" * 11, "application/octet-stream")})
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
