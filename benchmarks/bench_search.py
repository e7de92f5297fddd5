"""Person search under load: N SYNTHETIC persons, C concurrent clients on loopback, p50/p95/p99.

    .venv/bin/python benchmarks/bench_search.py                       # SQLite, 100,000 persons
    .venv/bin/python benchmarks/bench_search.py --store postgres      # needs UNCOUNTED_TEST_PG_URL
    .venv/bin/python benchmarks/bench_search.py --persons 20000 --seconds 10 --clients 50
    .venv/bin/python benchmarks/bench_search.py --client httpx        # the heavier httpx load generator

The app runs in its own process (uvicorn, two workers by default); the load generator runs in this
process, so the two share the machine's cores. Each client logs in once (as a documenter granted
every source, so the visibility filter is exercised) and then sends person searches back to back
(``--think 0``, a closed loop: the worst case) or with a pause between them. Queries mix name
prefixes in other spellings, name + violation, place + date range, violation + source.

The default load generator (``--client raw``) is a small HTTP/1.1 client on asyncio streams: one
keep-alive connection per client, real GET requests with the session cookie, and every response
checked (status 200, a JSON body whose results are persons with a name). It costs the shared
cores about a tenth of what httpx costs per request; ``--client httpx`` runs the same load with
httpx. Every figure printed is from SYNTHETIC data.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

QUERIES_NAME = ["mohd", "muhammad iqbal", "abdur rahman", "nasreen", "salah", "rehmat ullah", "hussain", "ghulam kadir",
                "zubair baloch", "shazia", "imran khan", "tariq", "rubina marri", "javed", "kamran", "saima rind"]
VIOLATIONS = ["disappearance", "killing", "detention", "torture", "abduction"]
PLACES = ["Turbat", "Panjgur", "Khuzdar", "Quetta", "Gwadar", "Mastung", "Kalat", "Awaran"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_workspace(store: str, persons: int) -> tuple[Path, str | None]:
    from uncounted.records.accounts import create_user, grant
    from uncounted.records.workspace import Workspace
    from uncounted.server.synthetic import fill_bulk

    url = None
    if store == "postgres":
        url = create_pg_database()
    path = Path(tempfile.mkdtemp(prefix="uncounted-bench-")) / "ws"
    ws = Workspace.init(path, database_url=url)
    started = time.perf_counter()
    fill_bulk(ws, persons)
    if store == "postgres":
        with ws.engine.connect() as conn:
            from sqlalchemy import text
            conn.execute(text("ANALYZE"))
            conn.commit()
    else:
        with ws.engine.connect() as conn:
            from sqlalchemy import text
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"filled {persons:,} SYNTHETIC persons on {store} in {time.perf_counter() - started:.1f} s", flush=True)
    password = create_user(ws, "bench", "documenter")
    for name in ("SYNTHETIC public press clippings", "SYNTHETIC NGO list", "SYNTHETIC witness testimonies"):
        grant(ws, "bench", name)
    ws.dispose()
    (path / "bench-password").write_text(password)
    return path, url


def create_pg_database() -> str:
    from sqlalchemy import create_engine, text

    base = os.environ.get("UNCOUNTED_TEST_PG_URL")
    if not base:
        sys.exit("set UNCOUNTED_TEST_PG_URL=postgresql://user:password@host:port/postgres for --store postgres")
    name = "uncounted_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rpartition("/")[0] + "/" + name


def drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    base = os.environ["UNCOUNTED_TEST_PG_URL"]
    name = url.rpartition("/")[2]
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


SERVER_CODE = """
import os, sys
from uncounted.records.workspace import Workspace
from uncounted.server.app import serve
ws = Workspace.open(sys.argv[1], overrides={"database_url": os.environ.get("BENCH_DB_URL") or None})
serve(ws, "127.0.0.1", int(sys.argv[2]), secure_cookies=False, workers=int(sys.argv[3]))
"""


def start_server(path: Path, url: str | None, port: int, workers: int) -> subprocess.Popen:  # type: ignore[type-arg]
    env = dict(os.environ, BENCH_DB_URL=url or "")
    proc = subprocess.Popen([sys.executable, "-c", SERVER_CODE, str(path), str(port), str(workers)], env=env,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not start")


def random_query(rng: random.Random, source_ids: list[int]) -> dict[str, str]:
    kind = rng.randrange(4)
    if kind == 0:
        return {"q": rng.choice(QUERIES_NAME)}
    if kind == 1:
        return {"q": rng.choice(QUERIES_NAME), "violation": rng.choice(VIOLATIONS)}
    if kind == 2:
        year = rng.randrange(2000, 2020)
        return {"place": rng.choice(PLACES), "date_from": f"{year}-01-01", "date_to": f"{year}-06-30"}
    return {"violation": rng.choice(VIOLATIONS), "source_id": str(rng.choice(source_ids))}


class RawHttpClient:
    """One keep-alive HTTP/1.1 connection that sends GET requests with a cookie and reads the
    whole response (Content-Length or chunked). Small on purpose: the load generator shares the
    cores with the server it measures."""

    def __init__(self, host: str, port: int, cookies: dict[str, str]):
        self.host, self.port = host, port
        self.head = (f"Host: {host}:{port}\r\nAccept: application/json\r\n"
                     f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).split(b";")[0], 16)):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            body = b"".join(parts)
        else:
            body = await self.reader.readexactly(length or 0)
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def check_search_response(status: int, body: bytes) -> int:
    """The number of persons in a valid search answer; raises ValueError on anything else."""
    import orjson

    if status != 200:
        raise ValueError(f"HTTP {status}: {body[:200]!r}")
    data = orjson.loads(body)
    results = data["results"]
    if not isinstance(results, list) or any(not isinstance(p.get("id"), int) or "name" not in p for p in results):
        raise ValueError(f"not a person search answer: {body[:200]!r}")
    return len(results)


async def run_load(base: str, password: str, clients: int, seconds: float, think: float,
                   seed: int, server: object = None, client_kind: str = "raw"
                   ) -> tuple[list[float], int, int, float, float, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    results = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
        r = await probe.post("/api/login", json={"username": "bench", "password": password})
        r.raise_for_status()
        listed = await probe.get("/api/sources")
        if listed.status_code != 200:
            sys.exit(f"cannot list sources: {listed.status_code} {listed.text[:300]}")
        sources = listed.json()["sources"]
        # warm up: the index is built when the server starts; these fill caches
        for _ in range(20):
            await probe.get("/api/persons", params={"q": "iqbal"})
    source_ids = [s["id"] for s in sources]
    # each client has its own session; the logins (argon2, slow on purpose) happen before the clock
    sessions = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as login_client:
        for _ in range(clients):
            r = await login_client.post("/api/login", json={"username": "bench", "password": password})
            r.raise_for_status()
            sessions.append(dict(r.cookies))
    host, port = base.removeprefix("http://").split(":")
    cpu_before = tree_cpu(server) if server is not None else 0.0
    db_before = database_cpu()
    own_cpu_before = time.process_time()
    stop_at = time.perf_counter() + seconds

    async def raw_client(i: int) -> None:
        nonlocal errors, results
        rng = random.Random(seed * 1000 + i)
        http = RawHttpClient(host, int(port), sessions[i])
        try:
            while time.perf_counter() < stop_at:
                path = "/api/persons?" + urlencode(random_query(rng, source_ids))
                t0 = time.perf_counter()
                try:
                    status, body = await http.get(path)
                    latencies.append(time.perf_counter() - t0)
                    results += check_search_response(status, body)
                except (ValueError, KeyError, OSError, asyncio.IncompleteReadError) as exc:
                    errors += 1
                    if errors <= 3:
                        print(f"  error: {exc}", file=sys.stderr)
                    await http.close()
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))
        finally:
            await http.close()

    async def httpx_client(i: int) -> None:
        nonlocal errors, results
        rng = random.Random(seed * 1000 + i)
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits, cookies=sessions[i]) as http:
            while time.perf_counter() < stop_at:
                params = random_query(rng, source_ids)
                t0 = time.perf_counter()
                response = await http.get("/api/persons", params=params)
                latencies.append(time.perf_counter() - t0)
                try:
                    results += check_search_response(response.status_code, response.content)
                except (ValueError, KeyError):
                    errors += 1
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))

    client = raw_client if client_kind == "raw" else httpx_client
    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    cpu = tree_cpu(server) - cpu_before if server is not None else 0.0
    global DATABASE_CPU
    DATABASE_CPU = database_cpu() - db_before
    return latencies, errors, results, elapsed, cpu, time.process_time() - own_cpu_before


DATABASE_CPU = 0.0
BENCH_DATABASE = ""


def database_cpu() -> float:
    """CPU seconds of the PostgreSQL backends serving the benchmark's database (0 on SQLite)."""
    if not BENCH_DATABASE:
        return 0.0
    import psutil

    total = 0.0
    for p in psutil.process_iter(["cmdline"]):
        try:
            if BENCH_DATABASE in " ".join(p.info["cmdline"] or []):
                times = p.cpu_times()
                total += times.user + times.system
        except Exception:  # a backend that just ended, or one we may not read
            pass
    return total


def tree_cpu(process: object) -> float:
    """User + system CPU seconds of a process and its children (the uvicorn workers)."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:  # type: ignore[attr-defined]
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except Exception:  # a process that just ended
            pass
    return total


def event_loop_run(coroutine: object) -> object:
    """asyncio.run, on uvloop when it is installed (as the server's uvicorn uses it)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    return uvloop.run(coroutine)  # type: ignore[arg-type]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's searches (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="server processes (uvicorn workers)")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="load generator: a small HTTP/1.1 client (default) or httpx")
    parser.add_argument("--reuse", type=Path, help="a workspace made by an earlier run with --keep (SQLite only)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite workspace and print its path")
    args = parser.parse_args()

    if args.reuse:
        path, url = args.reuse, None
    else:
        path, url = make_workspace(args.store, args.persons)
    password = (path / "bench-password").read_text()
    global BENCH_DATABASE
    BENCH_DATABASE = url.rpartition("/")[2] if url else ""
    port = free_port()
    proc = start_server(path, url, port, args.workers)
    import psutil
    server = psutil.Process(proc.pid)
    load_before = os.getloadavg()[0]
    try:
        latencies, errors, results, elapsed, server_cpu, client_cpu = event_loop_run(
            run_load(f"http://127.0.0.1:{port}", password, args.clients, args.seconds, args.think, args.seed, server,
                     args.client))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if url:
            drop_pg_database(url)
        if args.keep and not url:
            print(f"kept the workspace: {path}")
        elif not args.reuse and not url:
            import shutil
            shutil.rmtree(path.parent, ignore_errors=True)
    ms = [x * 1000 for x in latencies]
    print(f"SYNTHETIC benchmark: person search, {args.persons:,} persons, store={args.store}, "
          f"{args.clients} concurrent clients ({args.client}), think={args.think}s, {args.workers} server worker(s), "
          f"{elapsed:.1f} s, cores={os.cpu_count()}")
    print(f"  requests {len(ms):,} ({len(ms) / elapsed:,.0f}/s), errors {errors}, "
          f"mean results/request {results / max(1, len(ms)):.1f}")
    print(f"  latency ms: p50 {percentile(ms, 0.50):.1f}  p95 {percentile(ms, 0.95):.1f}  "
          f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}")
    print(f"  target p95 <= 100 ms: {'MET' if percentile(ms, 0.95) <= 100 else 'NOT MET'}")
    # The server's own CPU per request does not depend on what else runs on the machine.
    # (Measured over the timed phase only: the logins and warm-up come before it.)
    per_request = server_cpu / max(1, len(ms)) * 1000
    print(f"  server CPU {server_cpu:.1f} s = {per_request:.2f} ms per request (at most ~{1000 / per_request:,.0f} "
          f"requests/s per free core); machine load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (2 cores)")
    if url:
        print(f"  PostgreSQL backends CPU {DATABASE_CPU:.1f} s = {DATABASE_CPU / max(1, len(ms)) * 1000:.2f} ms "
              f"per request")
    print(f"  load generator CPU {client_cpu:.1f} s = {client_cpu / max(1, len(ms)) * 1000:.2f} ms per request "
          f"(timed phase; it shares the cores with the server)")


if __name__ == "__main__":
    main()
