"""One registry of named settings, with defaults and help.

Precedence: CLI flag > environment (UNCOUNTED_<NAME>) > the workspace's uncounted.toml > default.
Secrets are never printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False

    @property
    def env_var(self) -> str:
        return "UNCOUNTED_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", None, "SQLAlchemy URL of the store; empty means the workspace's SQLite file.", secret=True),
    Setting("user", None, "Name recorded as the actor of writes (default: the login name)."),
    Setting("date_order", "dmy", "How to read ambiguous numeric dates: dmy, mdy or ymd."),
    Setting("two_digit_year_pivot", 30, "Two-digit years up to this value are 20xx, above it 19xx."),
    Setting("gazetteer", None, "CSV gazetteer of places (variants to one place); default: the bundled one."),
    Setting("key_file", None, "File holding the 32-byte key that encrypts sensitive fields.", secret=True),
    Setting("link_threshold", None, "Match probability at or above which two reports are the same person "
                                    "(default: the linkage model's own, 0.2)."),
    Setting("login_max_failures", 5, "Failed logins in a row that lock an account."),
    Setting("login_lockout_minutes", 15, "How long a locked account stays locked."),
    Setting("audit_anchor_file", None, "File outside the workspace that `uncounted audit anchor` appends the "
                                       "audit log's head to and `uncounted audit verify` checks."),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def resolve(file_values: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Combine the layers in order of precedence into one plain dict."""
    resolved: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.name in file_values:
            value = file_values[setting.name]
        env = os.environ.get(setting.env_var)
        if env not in (None, ""):
            value = _cast(env, setting.default)
        if overrides and overrides.get(setting.name) is not None:
            value = overrides[setting.name]
        resolved[setting.name] = value
    return resolved


def _cast(text: str, default: Any) -> Any:
    if isinstance(default, bool):
        return text.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    return text


def redacted(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with secrets masked, for printing."""
    out = dict(values)
    for setting in SETTINGS:
        if setting.secret and out.get(setting.name):
            out[setting.name] = "********"
    return out
