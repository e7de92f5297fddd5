"""A workspace: one folder with a settings file, the SQLite database and the evidence store.

    ws = Workspace.init("my-case")          # creates the folder and the schema
    ws = Workspace.open("my-case")          # or Workspace.open() for $UNCOUNTED_WORKSPACE / cwd
    with ws.session() as s: ...             # a SQLAlchemy session in one transaction

Setting ``database_url`` (or UNCOUNTED_DATABASE_URL) moves the store to PostgreSQL; the folder
still holds the settings and the evidence store.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import tomli_w
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from uncounted.errors import WorkspaceError
from uncounted.records import settings as settings_mod
from uncounted.records.evidence import EvidenceStore

SETTINGS_FILE = "uncounted.toml"
DATABASE_FILE = "uncounted.sqlite"
EVIDENCE_DIR = "evidence"


def default_workspace_path() -> Path:
    return Path(os.environ.get("UNCOUNTED_WORKSPACE") or ".").resolve()


class Workspace:
    def __init__(self, path: Path, settings: dict[str, Any]):
        self.path = Path(path).resolve()
        self.settings = settings
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None

    # ---- creating and opening -------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, *, database_url: str | None = None, exist_ok: bool = False,
             overrides: dict[str, Any] | None = None) -> "Workspace":
        """Create a workspace folder with its settings file, database schema and evidence store."""
        path = Path(path)
        settings_path = path / SETTINGS_FILE
        if settings_path.exists() and not exist_ok:
            raise WorkspaceError(f"{path} is already a workspace (it has {SETTINGS_FILE}); "
                                 "open it instead, or choose another folder.")
        path.mkdir(parents=True, exist_ok=True)
        (path / EVIDENCE_DIR).mkdir(exist_ok=True)
        if not settings_path.exists():
            file_values: dict[str, Any] = {"date_order": "dmy", "two_digit_year_pivot": 30}
            if database_url:
                file_values["database_url"] = database_url
            settings_path.write_text(
                "# uncounted workspace settings. Environment variables UNCOUNTED_<NAME> override these.\n"
                + tomli_w.dumps(file_values), encoding="utf-8")
        ws = cls.open(path, overrides=overrides)
        ws.upgrade()
        return ws

    @classmethod
    def open(cls, path: str | Path | None = None, *, overrides: dict[str, Any] | None = None) -> "Workspace":
        """Open an existing workspace (default: $UNCOUNTED_WORKSPACE, else the current folder)."""
        path = Path(path).resolve() if path else default_workspace_path()
        settings_path = path / SETTINGS_FILE
        if not settings_path.exists():
            raise WorkspaceError(f"{path} is not a workspace: {SETTINGS_FILE} is missing. "
                                 f"Create one with `uncounted init {path}` or pass --workspace.")
        try:
            file_values = tomllib.loads(settings_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkspaceError(f"{settings_path} is not valid TOML: {exc}") from exc
        return cls(path, settings_mod.resolve(file_values, overrides))

    def set_setting(self, name: str, value: Any) -> None:
        """Write one setting to the workspace's settings file (comments and other lines kept)."""
        if name not in settings_mod.SETTINGS_BY_NAME:
            raise WorkspaceError(f"Unknown setting {name!r}; known: {sorted(settings_mod.SETTINGS_BY_NAME)}.")
        settings_path = self.path / SETTINGS_FILE
        line = tomli_w.dumps({name: value}).strip()
        lines = settings_path.read_text(encoding="utf-8").splitlines()
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        replaced = [line if pattern.match(old) else old for old in lines]
        if not any(pattern.match(old) for old in lines):
            replaced.append(line)
        settings_path.write_text("\n".join(replaced) + "\n", encoding="utf-8")
        self.settings[name] = value

    # ---- the store ---------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        return self.settings.get("database_url") or f"sqlite:///{self.path / DATABASE_FILE}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed at the end, rolled back on any error."""
        if self._sessionmaker is None:
            self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        session = self._sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Bring the schema up to date (Alembic migrations)."""
        from uncounted.records.migrate import upgrade
        upgrade(self.engine)

    @property
    def evidence(self) -> EvidenceStore:
        """The evidence store; files are stored encrypted when the workspace has a key."""
        from uncounted.records.crypto import load_key

        return EvidenceStore(self.path / EVIDENCE_DIR, key=load_key(self, required=False))

    @property
    def actor(self) -> str:
        return self.settings.get("user") or _login_name()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessionmaker = None


SQLITE_PAGE_SIZE = 32_768
# In a pooled connection's info: a big import changed its settings or attached staging files
# (``ingest.store``); it gets the usual state back on checkin.
BULK_WRITE_FLAG = "uncounted_bulk_write"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # Reports are wide rows (raw row, parsed fields, problems): 32 KB pages make a big import's
            # copy into reports about a third cheaper than SQLite's default 4 KB (and a tenth cheaper
            # than 16 KB), and its commit a fifth cheaper than 16 KB. Takes effect only in a new,
            # empty database (before WAL is set); an existing database keeps its page size.
            cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "checkin")
        def _undo_bulk_write(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
            """A connection a big import used (its settings changed by ``ingest.store.prepare_bulk_write``,
            its staging files attached for the length of its transaction) goes back to the pool with
            nothing attached and the usual settings. Other connections pass untouched."""
            if dbapi_connection is None or not record.info.pop(BULK_WRITE_FLAG, False):
                return
            try:
                for _seq, name, _file in dbapi_connection.execute("PRAGMA database_list").fetchall():
                    if name not in ("main", "temp"):
                        dbapi_connection.execute(f'DETACH DATABASE "{name}"')
                dbapi_connection.execute("PRAGMA foreign_keys=ON")
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")
                # Back to WAL needs a moment alone with the database: a reader that came in
                # meanwhile is waited for briefly (else this connection is dropped, see below).
                timeout = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0]
                dbapi_connection.execute("PRAGMA busy_timeout=5000")
                dbapi_connection.execute("PRAGMA journal_mode=WAL")
                dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout)}")
            except Exception:  # never hand out a connection in an unknown state (a new one sets WAL)
                record.invalidate()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
