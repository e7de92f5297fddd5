"""Person search: the in-memory index answers exactly as the SQL search over the same SYNTHETIC
records, follows edits, withdrawals, new linkage runs and revoked grants at once, and never shows
a user a report of a source they may not see (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
import time

import orjson
import pytest
from sqlalchemy import select, update

from uncounted.records import accounts
from uncounted.records.edit import edit_report, withdraw_report
from uncounted.records.models import LinkageRun, Person, PersonReport, Report, User
from uncounted.server import search, services, synthetic
from uncounted.server.testing import make_site

NAMES = ["muhammad", "mohd", "iqbal", "mohammad ikbal", "abdur rahman", "salah", "sal", "na", "zubair baloch",
         "khan", "q", "zz", "hasan husain", "nasreen", "ghulam kadir", "rehmat", "m k", "baloch marri"]
PLACES = [None, "Turbat", " turbat ", "Quetta", "Nowhere"]
VIOLATIONS = [None, *synthetic.VIOLATIONS, "no-such-violation"]


def add_odd_person(session, run_id: int, source_id: int, i: int, **fields) -> int:  # type: ignore[no-untyped-def]
    """A person of one report with some fields missing (no date, no place, no name ...)."""
    key = f"odd{i}"
    values = dict(report_key=key, version=1, is_current=True, source_id=source_id, created_by="synthetic",
                  raw={"SYNTHETIC": "yes"})
    values.update(fields)
    session.add(Report(**values))
    person = Person(person_key=f"odd-person-{i}", run_id=run_id, n_reports=1)
    session.add(person)
    session.flush()
    session.add(PersonReport(run_id=run_id, person_id=person.id, report_key=key))
    return person.id


@pytest.fixture
def case(workspace):  # type: ignore[no-untyped-def]
    case = synthetic.fill(workspace, None, persons=60)
    with workspace.session() as s:
        public = case.source_ids["public"]
        add_odd_person(s, case.run_id, public, 1, name_raw="Muhammad Khan", name_key=search.name_key("Muhammad Khan"))
        add_odd_person(s, case.run_id, public, 2, name_raw=None, violation="killing", event_place="Turbat")
        add_odd_person(s, case.run_id, public, 3, name_raw="Salah Baloch", name_key=search.name_key("Salah Baloch"),
                       event_date_end=dt.date(2012, 5, 1))  # an end without a start
        add_odd_person(s, case.run_id, public, 4, name_raw="Iqbal Marri", name_key=search.name_key("Iqbal Marri"),
                       withdrawn=True)
        search.build_index(s, case.run_id)  # the SQL reference's rows
    return case


def random_query(rng: random.Random, source_ids: list[int]) -> search.PersonQuery:
    year = rng.randrange(2008, 2021)
    return search.PersonQuery(
        q=rng.choice(NAMES) if rng.random() < 0.7 else None,
        violation=rng.choice(VIOLATIONS) if rng.random() < 0.4 else None,
        place=rng.choice(PLACES) if rng.random() < 0.3 else None,
        source_id=rng.choice(source_ids) if rng.random() < 0.2 else None,
        date_from=dt.date(year, 1, 1) if rng.random() < 0.3 else None,
        date_to=dt.date(year + rng.randrange(0, 3), 12, 31) if rng.random() < 0.3 else None,
        limit=rng.choice([1, 3, 10, 50]), offset=rng.choice([0, 0, 0, 2, 7]))


def test_index_answers_as_the_sql_search(workspace, case) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    sources = sorted(case.source_ids.values())
    visibilities = [None, frozenset({case.source_ids["public"]}),
                    frozenset({case.source_ids["public"], case.source_ids["restricted"]}), frozenset()]
    snapshot = search.load_snapshot(workspace.engine, case.run_id)
    matched = 0
    with workspace.session() as s:
        for _ in range(150):
            query = random_query(rng, sources)
            for visible in visibilities:
                expected = search.search_person_ids(s, case.run_id, query,
                                                    None if visible is None else set(visible))
                page = snapshot.search(query, visible)
                got = ([int(snapshot.person_ids[p]) for p in page.positions], page.more)
                assert got == expected, (query, visible)
                matched += len(got[0])
    assert matched > 300, "the queries should find persons, not only nothing"


def test_results_show_only_visible_reports_whoever_searched_first(workspace, case) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace)
    admin, _ = site.login("admin")
    documenter, _ = site.login("documenter")  # sees the public source only
    secret_seen = 0
    for q in ["iqbal", "baloch", "khan", None]:
        params = {"q": q} if q else {}
        everything = admin.get("/api/persons", params=params).json()  # renders whole persons first
        secret_seen += sum("SYNTHETIC witness testimonies" in p["sources"] for p in everything["results"])
        mine = documenter.get("/api/persons", params=params).json()
        assert mine["results"] and all(p["sources"] == ["SYNTHETIC public press clippings"] for p in mine["results"])
        # the API's JSON is the pages' answer
        index = search.index_for(workspace.engine, workspace.database_url)
        with workspace.session() as s:
            principal = site.app.state.sessions.lookup(
                site.app.state.sessions.token_from_cookie(_Cookies(documenter)))
            query = search.PersonQuery(q=q)
            assert orjson.loads(services.search_json(index, principal, query, index.probe(principal.user_id))) \
                == orjson.loads(orjson.dumps(services.search_persons(s, principal, query, workspace.database_url)))
    assert secret_seen, "the admin's answers should have included persons with secret reports"


class _Cookies:
    """Enough of a request for SessionManager.token_from_cookie."""

    def __init__(self, client):  # type: ignore[no-untyped-def]
        self.cookies = dict(client.cookies)


def test_index_follows_edits_withdrawals_and_new_runs(workspace, case) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace)
    admin, _ = site.login("admin")
    assert admin.get("/api/persons", params={"q": "Zarghuna"}).json()["results"] == []
    # an edit written elsewhere (another worker, the CLI) is found by the next search
    with workspace.session() as s:
        edit_report(s, case.report_keys[0], {"name_raw": "Zarghuna Lango", "name_key": search.name_key("Zarghuna Lango"),
                                            "event_place": "Kech"}, actor="test", reason="SYNTHETIC correction")
    found = admin.get("/api/persons", params={"q": "Zarghuna"}).json()["results"]
    assert [p["id"] for p in found] == [case.person_ids[0]] and found[0]["places"] == ["Kech"]
    assert [p["id"] for p in admin.get("/api/persons", params={"place": "kech"}).json()["results"]] \
        == [case.person_ids[0]]
    # a withdrawal: the person (one report) is gone from search
    with workspace.session() as s:
        withdraw_report(s, case.report_keys[0], actor="test", reason="SYNTHETIC duplicate")
    assert admin.get("/api/persons", params={"q": "Zarghuna"}).json()["results"] == []
    # a new linkage run replaces the old one
    with workspace.session() as s:
        s.execute(update(LinkageRun).where(LinkageRun.is_current.is_(True)).values(is_current=False))
        run = LinkageRun(threshold=0.9, created_by="test", is_current=True)
        s.add(run)
        s.flush()
        person = Person(person_key="new-run-person", run_id=run.id, n_reports=1)
        s.add(person)
        s.flush()
        s.add(PersonReport(run_id=run.id, person_id=person.id, report_key=case.report_keys[1]))
        new_run, new_person = run.id, person.id
    answer = admin.get("/api/persons").json()
    assert answer["run_id"] == new_run and [p["id"] for p in answer["results"]] == [new_person]


def test_a_revoked_grant_counts_at_once(workspace, case) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace)
    restricted = case.source_ids["restricted"]
    accounts.grant(workspace, "documenter", "SYNTHETIC NGO list")
    documenter, _ = site.login("documenter")
    with workspace.session() as s:
        restricted_name = s.get(Report, _report_id(s, case.report_keys[1])).name_raw
    hits = documenter.get("/api/persons", params={"q": restricted_name}).json()["results"]
    assert any("SYNTHETIC NGO list" in p["sources"] for p in hits)
    accounts.revoke(workspace, "documenter", "SYNTHETIC NGO list")  # as `uncounted user revoke` does
    hits = documenter.get("/api/persons", params={"q": restricted_name}).json()["results"]
    assert all("SYNTHETIC NGO list" not in p["sources"] for p in hits)
    assert restricted not in search.index_for(workspace.engine, workspace.database_url).probe(
        site.app.state.sessions.lookup(site.app.state.sessions.token_from_cookie(_Cookies(documenter))).user_id).visible


def _report_id(session, report_key: str) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(Report.id).where(Report.report_key == report_key,
                                                   Report.is_current.is_(True))).scalar_one()


def test_warm_builds_the_index_before_anyone_searches(workspace, case) -> None:  # type: ignore[no-untyped-def]
    search.close_indexes()
    snapshot = search.warm(workspace.engine, workspace.database_url)
    assert snapshot is not None and snapshot.run_id == case.run_id
    assert search.index_for(workspace.engine, workspace.database_url).snapshot is snapshot
    assert len(snapshot.person_ids) == len(case.person_ids) + 4


def test_holes_in_report_ids_hold_the_settled_point_until_filled_or_old() -> None:
    settled, top, holes = search._settle(10, 10, {11, 12, 14, 15}, {})
    assert (settled, top, sorted(holes)) == (12, 15, [13])  # 13 may still be committed
    settled, top, holes = search._settle(settled, top, {13, 14, 15, 16}, holes)
    assert (settled, top, holes) == (16, 16, {})
    old = time.monotonic() - search.GAP_SECONDS - 1
    settled, top, holes = search._settle(20, 20, {22, 24}, {21: old})
    assert (settled, top, sorted(holes)) == (22, 24, [23])  # 21 is taken as a rollback, 23 is young


def test_the_fast_path_leaves_every_error_to_the_declared_route(workspace, case) -> None:  # type: ignore[no-untyped-def]
    site = make_site(workspace)
    anonymous = site.client()
    assert anonymous.get("/api/persons", params={"q": "iqbal"}).json()["error"]["code"] == "not_logged_in"
    viewer, _ = site.login("viewer")
    refused = viewer.get("/api/persons", params={"q": "iqbal"})
    assert refused.status_code == 403 and "name" not in refused.text.replace('"name_tokens"', "")
    analyst, _ = site.login("analyst")
    for params in ({"limit": "0"}, {"limit": "201"}, {"offset": "-1"}, {"date_from": "2012-13-01"},
                   {"date_to": "yesterday"}, {"source_id": "x"}, {"q": "a" * 201}, {"violation": "v" * 41}):
        response = analyst.get("/api/persons", params=params)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request", params
    # what FastAPI accepts beyond the plain forms is still answered (by the declared route)
    plain = analyst.get("/api/persons", params={"limit": "5"}).json()
    assert analyst.get("/api/persons", params={"limit": "+5"}).json()["results"] == plain["results"]
    assert len(plain["results"]) == 5 and plain["more"] is True
    assert "/api/persons" in site.client().get("/api/openapi.json").json()["paths"]


class CountingIndex(search.SearchIndex):
    """A real index that counts how often it reads the database."""

    reads = 0

    def read(self, user_id):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().read(user_id)


def test_concurrent_searches_share_one_probe_and_still_see_earlier_commits(workspace, case) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    index = CountingIndex(workspace.engine)
    shared = search.SharedProbe(index)
    accounts.create_user(workspace, "documenter", "documenter")
    with workspace.session() as s:
        documenter = s.execute(select(User.id).where(User.username == "documenter")).scalar_one()
    accounts.grant(workspace, "documenter", "SYNTHETIC NGO list")

    async def many() -> list[search.Probe]:
        return await asyncio.gather(*(shared.probe(documenter) for _ in range(40)))

    first = asyncio.run(many())
    assert index.reads < 40, "searches arriving together share readings"
    assert all(p.visible == {case.source_ids["public"], case.source_ids["restricted"]} for p in first)
    with workspace.session() as s:
        edit_report(s, case.report_keys[2], {"notes": "SYNTHETIC"}, actor="test", reason="SYNTHETIC")
    accounts.revoke(workspace, "documenter", "SYNTHETIC NGO list")
    second = asyncio.run(many())
    assert all(p.max_report_id > first[0].max_report_id for p in second)
    assert all(p.visible == {case.source_ids["public"]} for p in second)
    shared.close()
    index.close()


def test_an_updated_index_answers_as_one_built_afresh(workspace, case) -> None:  # type: ignore[no-untyped-def]
    index = search.SearchIndex(workspace.engine)
    index.current(index.probe(0))
    edits = [(0, {"name_raw": "Zarghuna Lango", "name_key": search.name_key("Zarghuna Lango")}),  # a new word
             (3, {"name_raw": "Muhammad Iqbal", "name_key": search.name_key("Muhammad Iqbal")}),  # known words
             (5, {"event_place": "Kech", "violation": "torture"}),
             (8, {"event_date_raw": "2001", "event_date_start": dt.date(2001, 1, 1),
                  "event_date_end": dt.date(2001, 12, 31)}),
             (10, {"event_date_start": None, "event_date_end": None}),
             (9, {"name_raw": None, "name_key": None})]
    with workspace.session() as s:
        for i, changes in edits:
            edit_report(s, case.report_keys[i], changes, actor="test", reason="SYNTHETIC")
    with workspace.session() as s:
        withdraw_report(s, case.report_keys[11], actor="test", reason="SYNTHETIC duplicate")
    updated = index.current(index.probe(0))
    fresh = search.load_snapshot(workspace.engine, case.run_id)
    assert updated is not fresh and updated.max_report_id == fresh.max_report_id
    rng = random.Random(11)
    sources = sorted(case.source_ids.values())
    for _ in range(150):
        query = random_query(rng, sources)
        if rng.random() < 0.2:
            query = search.PersonQuery(q=rng.choice(["zarghuna", "zar", "kech", "iqbal muhammad"]))
        for visible in (None, frozenset({case.source_ids["public"]})):
            a, b = updated.search(query, visible), fresh.search(query, visible)
            assert (a.positions, a.more) == (b.positions, b.more), (query, visible)
    assert updated.search(search.PersonQuery(q="zarghuna"), None).positions
    index.close()
