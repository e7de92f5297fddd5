"""The CLI commands of the web app: user add/role/grant/revoke/list/unlock, key generate, audit verify."""

from __future__ import annotations

import base64
import json

from click.testing import CliRunner

from uncounted.cli.main import cli
from uncounted.records.accounts import authenticate
from uncounted.records.models import Source


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_user_commands(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    w = ["-w", str(sqlite_workspace.path)]
    with sqlite_workspace.session() as s:
        s.add(Source(name="SYNTHETIC NGO list", kind="ngo_list", sensitivity="restricted"))
    added = run("user", "add", "amina", "--role", "documenter", *w, "--json")
    assert added.exit_code == 0, added.output
    password = json.loads(added.output)["password"]
    with sqlite_workspace.session() as s:
        assert authenticate(s, "amina", password).ok
    assert run("user", "add", "amina", "--role", "viewer", *w).exit_code == 2, "no duplicate users"
    assert run("user", "add", "bilal", "--role", "viewer", "--password-stdin", *w,
               input="a long enough passphrase\n").exit_code == 0
    assert run("user", "role", "amina", "reviewer", *w).exit_code == 0
    assert run("user", "grant", "amina", "SYNTHETIC NGO list", *w).exit_code == 0
    missing = run("user", "grant", "amina", "No such source", *w)
    assert missing.exit_code == 2 and "no source" in missing.output
    listed = json.loads(run("user", "list", *w, "--json").output)
    amina = next(u for u in listed if u["username"] == "amina")
    assert amina["role"] == "reviewer" and amina["grants"] == ["SYNTHETIC NGO list"]
    assert "$argon2" not in json.dumps(listed), "hashes are never listed"
    assert run("user", "revoke", "amina", "SYNTHETIC NGO list", *w).exit_code == 0
    assert json.loads(run("user", "list", *w, "--json").output)[0]["grants"] == []
    assert run("user", "unlock", "amina", *w).exit_code == 0
    changed = run("user", "password", "amina", *w)
    assert changed.exit_code == 0
    new = changed.output.rsplit(": ", 1)[1].strip()
    with sqlite_workspace.session() as s:
        assert authenticate(s, "amina", new).ok and not authenticate(s, "amina", password).ok
    verify = run("audit", "verify", *w)
    assert verify.exit_code == 0 and "intact" in verify.output


def test_key_generate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "k.key"
    made = run("key", "generate", "--out", str(out))
    assert made.exit_code == 0 and out.stat().st_size == 32
    assert run("key", "generate", "--out", str(out)).exit_code == 2, "never overwrite a key"
    printed = run("key", "generate", "--print")
    assert len(base64.b64decode(printed.output.strip())) == 32
    assert run("key", "generate").exit_code != 0


def test_totp_needs_a_key(sqlite_workspace, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("UNCOUNTED_KEY", raising=False)
    w = ["-w", str(sqlite_workspace.path)]
    run("user", "add", "sadia", "--role", "analyst", *w)
    no_key = run("user", "totp", "sadia", *w)
    assert no_key.exit_code == 2 and "key" in no_key.output
    run("key", "generate", "--out", str(tmp_path / "k.key"))
    monkeypatch.setenv("UNCOUNTED_KEY_FILE", str(tmp_path / "k.key"))
    on = run("user", "totp", "sadia", *w)
    assert on.exit_code == 0 and "otpauth://" in on.output
