"""The main flows in a real browser (Debian's Chromium, headless, driven by Playwright):
log in, upload and import a CSV, fix a mapping, review a pair, view a person, view estimates.
Screenshots go to test-artifacts/ (the good ones are copied to docs/img/ by hand)."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from pathlib import Path

import pytest
from sqlalchemy import select

from uncounted.records.models import MatchDecision, Report
from uncounted.server import synthetic
from uncounted.server.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
CSV = ("S.No,Name of Victim,Father Name,Date of Incident,Place,Type,Remarks\n"
       "1,Muhammad Iqbal,Abdul Ghafoor,14/10/2012,Turbat,disappeared,SYNTHETIC\n"
       "2,Nasreen Bibi,Ghulam Nabi,12/05/2013,Quetta,killed,SYNTHETIC row with a stray comma,oops\n"
       "3,Zubair Ahmed,Noor Ahmed,2013,Gwadar,abducted,SYNTHETIC\n")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sqlite_workspace):  # type: ignore[no-untyped-def]
    import uvicorn

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    case = synthetic.fill(sqlite_workspace, None, persons=40)
    from uncounted.records.accounts import create_user
    passwords = {role: create_user(sqlite_workspace, f"{role}1", role) for role in ("admin", "viewer")}
    app = create_app(sqlite_workspace, secure_cookies=False)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", passwords, case, sqlite_workspace
    srv.should_exit = True
    thread.join(timeout=10)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_main_flows_in_chromium(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    base, passwords, case, ws = server
    upload = tmp_path / "family-association-list.csv"
    upload.write_text(CSV, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # log in (the login page first)
        page.goto(base + "/persons")
        assert page.url.startswith(base + "/login")
        shot(page, "01-login")
        login(page, base, "admin1", passwords["admin"])
        assert "SYNTHETIC DATA" in page.content()
        shot(page, "02-overview")

        # upload a CSV into a new source, see the detected mapping, fix it, import
        page.goto(base + "/sources")
        page.click("summary")
        page.fill("form[action='/sources'] input[name=name]", "SYNTHETIC Families Association list")
        page.select_option("form[action='/sources'] select[name=kind]", "ngo_list")
        page.click("form[action='/sources'] button[type=submit]")
        page.wait_for_url("**/sources?msg=*")
        page.select_option("select[name=source_id]", label="SYNTHETIC Families Association list (restricted)")
        page.set_input_files("input[type=file]", str(upload))
        page.click("form[action='/imports/upload'] button[type=submit]")
        page.wait_for_selector("#mapping-form")
        type_select = page.locator("select[data-column='Type']")
        assert type_select.input_value() == "", "the Type column starts unmapped"
        shot(page, "03-import-preview")
        type_select.select_option("violation")
        page.click("button[formaction='/imports/preview']")
        page.wait_for_selector("#mapping-form")
        assert page.locator("select[data-column='Type']").input_value() == "violation"
        assert "disappearance" in page.locator("table.parsed").inner_text()
        shot(page, "04-import-mapping-fixed")
        page.click("#do-import")
        page.wait_for_selector("#rejects-link")
        assert "Row-level problems" in page.content()
        shot(page, "05-import-result")
        with page.expect_download() as download:
            page.click("#rejects-link")
        assert "stray comma" in Path(download.value.path()).read_text(encoding="utf-8")
        with ws.session() as s:
            assert s.execute(select(Report).where(Report.violation_raw == "disappeared")).first() is not None

        # search by name in another spelling, open the person
        page.goto(base + "/persons")
        page.fill("input[name=q]", "Abdur Rahman")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("table.results")
        shot(page, "06-person-search")
        page.click("table.results a")
        page.wait_for_selector("text=Which source gave which value")
        shot(page, "07-person")

        # review a pair with one key
        page.goto(base + "/review")
        page.wait_for_selector("#decide-form")
        shot(page, "08-review")
        left = page.locator("input[name=report_key_l]").input_value()
        page.keyboard.press("d")
        page.wait_for_url("**/review?msg=*")
        with ws.session() as s:
            decision = s.execute(select(MatchDecision).where(MatchDecision.report_key_l == left)).scalar_one()
        assert decision.decision == "different" and decision.decided_by == "admin1"

        # run an estimate and see it with its interval and plot
        page.goto(base + "/estimates")
        page.select_option("select[name=method]", "loglinear")
        page.fill("input[name=by]", "violation")
        page.fill("input[name=bootstrap]", "20")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            page.click("form[action='/estimates/run'] button[type=submit]")
            page.wait_for_url("**/estimates?msg=*", timeout=120_000)
        assert page.locator("figure.plot svg circle").count() > 0
        shot(page, "09-estimates")

        # a viewer sees counts, never names
        page.click("header form button")  # log out
        page.wait_for_url("**/login*")
        login(page, base, "viewer1", passwords["viewer"])
        text = page.content()
        assert not any(name in text for name in case.names)
        assert page.locator("header nav a[href='/persons']").count() == 0
        shot(page, "10-viewer-overview")
        page.goto(base + "/persons/1")
        assert "may not do this" in page.content()
        browser.close()
    assert not [e for e in errors if "403" not in e], errors
