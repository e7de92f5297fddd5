"""SYNTHETIC records for the web app's tests, benchmark and screenshots.

Every name, place and date here is made up; every source is named "SYNTHETIC ...". Nothing here is
used by the app itself. ``fill(ws)`` writes a small case (three sources, reports, one linkage run
with persons and uncertain pairs); ``fill_bulk(ws, n)`` writes ``n`` persons fast for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select

from uncounted.records.crypto import encrypt_fields
from uncounted.records.models import LinkageRun, MatchPair, Person, PersonReport, Report, Source
from uncounted.server.search import build_index, name_key

GIVEN = ["Muhammad Iqbal", "Abdul Rehman", "Nasreen", "Zubair", "Salahuddin", "Rahmatullah", "Hasan", "Husain",
         "Ghulam Qadir", "Shazia", "Bilal", "Naveed", "Farzana", "Imran", "Tariq", "Rubina", "Javed", "Asif",
         "Sadia", "Kamran", "Waseem", "Yasmin", "Khalid", "Saima"]
FAMILY = ["Baloch", "Khan", "Qureshi", "Siddiqui", "Marri", "Bugti", "Mengal", "Rind", "Zehri", "Lango", ""]
FATHERS = ["Abdul Ghafoor", "Ghulam Nabi", "Muhammad Aslam", "Rasool Bakhsh", "Noor Ahmed", "Allah Ditta",
           "Karim Dad", "Sher Muhammad", "Pir Bakhsh", "Dost Muhammad"]
PLACES = ["Turbat", "Panjgur", "Khuzdar", "Quetta", "Gwadar", "Mastung", "Kalat", "Awaran"]
VIOLATIONS = ["disappearance", "killing", "detention", "torture", "abduction"]


@dataclass
class SampleCase:
    source_ids: dict[str, int]
    report_keys: list[str]
    person_ids: list[int]
    run_id: int
    pair_ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sensitive_values: list[str] = field(default_factory=list)


def _key(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def add_sources(session: Any) -> dict[str, int]:
    specs = [("SYNTHETIC public press clippings", "press", "public"),
             ("SYNTHETIC NGO list", "ngo_list", "restricted"),
             ("SYNTHETIC witness testimonies", "testimony", "secret")]
    out = {}
    for name, kind, level in specs:
        src = Source(name=name, kind=kind, sensitivity=level, created_by="synthetic",
                     description="SYNTHETIC: made-up records for tests and demonstration.")
        session.add(src)
        session.flush()
        out[level] = src.id
    return out


def fill(ws: Any, key: bytes | None = None, *, persons: int = 12, seed: int = 7) -> SampleCase:
    """A small linked case: each person has 1 to 3 reports from different sources."""
    rng = random.Random(seed)
    with ws.session() as session:
        sources = add_sources(session)
        run = LinkageRun(threshold=0.9, created_by="synthetic", summary={"synthetic": True}, is_current=True)
        session.add(run)
        session.flush()
        case = SampleCase(source_ids=sources, report_keys=[], person_ids=[], run_id=run.id)
        levels = ["public", "restricted", "secret"]
        for i in range(persons):
            given = GIVEN[i % len(GIVEN)]
            family = FAMILY[i % len(FAMILY)]
            name = f"{given} {family}".strip()
            father = FATHERS[i % len(FATHERS)]
            place = PLACES[i % len(PLACES)]
            violation = VIOLATIONS[i % len(VIOLATIONS)]
            date = dt.date(2010 + i % 10, 1 + i % 12, 1 + i % 27)
            n_reports = 1 + i % 3
            members = []
            for j in range(n_reports):
                level = levels[(i + j) % 3]
                spelled = spelling_variant(name, j)
                report_key = _key("r", i, j)
                report = Report(
                    report_key=report_key, version=1, is_current=True, source_id=sources[level], row_number=i + 2,
                    name_raw=spelled, father_name=father, name_key=name_key(spelled), sex="f" if given in (
                        "Nasreen", "Shazia", "Farzana", "Rubina", "Sadia", "Yasmin", "Saima") else "m",
                    age_raw=str(20 + i % 30), violation=violation, violation_raw=violation,
                    event_date_raw=date.strftime("%d/%m/%Y"), event_date_start=date, event_date_end=date,
                    event_date_precision="day", event_place=place, event_place_raw=place,
                    perpetrator_raw="unidentified men in plain clothes", victim_status="still missing",
                    created_by="synthetic", raw={"SYNTHETIC": "yes", "name": spelled})
                if key is not None and level in ("restricted", "secret"):
                    witness = f"SYNTHETIC witness {rng.randrange(10**6):06d}"
                    phone = f"+00 555 {rng.randrange(10**7):07d}"
                    report.sensitive_enc = encrypt_fields(key, {"witness_name": witness, "witness_phone": phone,
                                                                "testimony": f"SYNTHETIC testimony about {spelled}"},
                                                          report_key=report_key)
                    case.sensitive_values += [witness, phone]
                session.add(report)
                members.append(report)
                case.report_keys.append(report_key)
            person = Person(person_key=_key("p", i), run_id=run.id, display_name=name, name_key=name_key(name),
                            n_reports=n_reports,
                            values={"name": [{"value": r.name_raw, "report_key": r.report_key} for r in members],
                                    "event_date": {"value": date.isoformat(), "report_key": members[0].report_key},
                                    "event_place": {"value": place, "report_key": members[-1].report_key}})
            session.add(person)
            session.flush()
            case.person_ids.append(person.id)
            case.names.append(name)
            for r in members:
                session.add(PersonReport(run_id=run.id, person_id=person.id, report_key=r.report_key))
        # uncertain pairs between neighbouring persons' first reports
        for i in range(0, persons - 1, 2):
            left, right = _key("r", i, 0), _key("r", i + 1, 0)
            p = 0.35 + 0.1 * (i % 5)
            pair = MatchPair(run_id=run.id, report_key_l=left, report_key_r=right, match_probability=p,
                             match_weight=round(-2 + 4 * p, 2),
                             explanation={"fields": [
                                 {"field": "name", "level": "similar after romanisation", "weight": 2.1},
                                 {"field": "father_name", "level": "different", "weight": -3.4},
                                 {"field": "event_date", "level": "within a year", "weight": 0.8},
                                 {"field": "event_place", "level": "same district", "weight": 1.2}]})
            session.add(pair)
            session.flush()
            case.pair_ids.append(pair.id)
        build_index(session, run.id)
    return case


def spelling_variant(name: str, j: int) -> str:
    """Another way a source might write the same name."""
    if j == 0:
        return name
    swaps = [("Muhammad", "Mohd"), ("Rehman", "Rahman"), ("Iqbal", "Ikbal"), ("Husain", "Hussain"),
             ("Qadir", "Kadir"), ("Salahuddin", "Salah-ud-Din"), ("Rahmatullah", "Rehmat Ullah")]
    out = name
    for a, b in swaps:
        out = out.replace(a, b)
    return out.upper() if j == 2 else out


def fill_bulk(ws: Any, n_persons: int, *, seed: int = 1, batch: int = 20_000) -> int:
    """``n_persons`` SYNTHETIC persons with 1 to 3 reports each, written with bulk inserts; the
    search index is built. Returns the linkage run id."""
    rng = random.Random(seed)
    with ws.session() as session:
        sources = add_sources(session)
        run = LinkageRun(threshold=0.9, created_by="synthetic", summary={"synthetic": True}, is_current=True)
        session.add(run)
        session.flush()
        run_id = run.id
        first_person = (session.execute(select(Person.id).order_by(Person.id.desc()).limit(1)).scalar() or 0) + 1
    source_list = list(sources.values())
    person_id = first_person
    for start in range(0, n_persons, batch):
        persons, reports, links = [], [], []
        for i in range(start, min(n_persons, start + batch)):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            name = f"{given} {family}".strip()
            father = rng.choice(FATHERS)
            place = rng.choice(PLACES)
            violation = rng.choice(VIOLATIONS)
            date = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(365 * 20))
            n = 1 + int(rng.random() < 0.4) + int(rng.random() < 0.15)
            persons.append({"id": person_id, "person_key": _key("bp", i), "run_id": run_id, "display_name": name,
                            "name_key": name_key(name), "n_reports": n, "values": None, "conflicts": None})
            for j in range(n):
                spelled = spelling_variant(name, j)
                rk = _key("br", i, j)
                reports.append({"report_key": rk, "version": 1, "is_current": True, "withdrawn": False,
                                "source_id": source_list[(i + j) % len(source_list)], "name_raw": spelled,
                                "father_name": father, "name_key": name_key(spelled), "violation": violation,
                                "event_date_start": date, "event_date_end": date, "event_date_raw": date.isoformat(),
                                "event_place": place, "created_by": "synthetic",
                                "created_at": dt.datetime.now(dt.timezone.utc)})
                links.append({"run_id": run_id, "person_id": person_id, "report_key": rk})
            person_id += 1
        with ws.session() as session:
            session.execute(insert(Person), persons)
            session.execute(insert(Report), reports)
            session.execute(insert(PersonReport), links)
    with ws.session() as session:
        build_index(session, run_id)
    return run_id
