"""CLI commands: serve, user (add, role, grant, revoke, list, unlock, totp), audit (verify, anchor),
key (generate, encrypt-evidence)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import click

from uncounted.cli.common import echo_json, handle_errors, json_option, open_workspace, print_table, workspace_option


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    for command in (serve, user, audit, key):
        cli.add_command(command)


@click.command()
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1 unless a TLS proxy sits in front.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the app in a browser.")
@click.option("--secure-cookies/--insecure-cookies", default=None,
              help="Mark cookies Secure (https only). Default: Secure unless listening on 127.0.0.1/localhost, "
                   "where plain http is allowed for local use.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Server processes (one per core is a good start).")
@handle_errors
def serve(workspace_path: Path | None, host: str, port: int, open_browser: bool, secure_cookies: bool | None,
          workers: int) -> None:
    """Run the web app and JSON API (described at /api/openapi.json) on the workspace."""
    from uncounted.server import serve as run

    ws = open_workspace(workspace_path)
    ws.upgrade()
    click.echo(f"uncounted on http://{host}:{port}/ (workspace {ws.path}); stop with Ctrl+C", err=True)
    run(ws, host, port, open_browser, secure_cookies=secure_cookies, workers=workers)


# ---- users ------------------------------------------------------------------------------------------

@click.group()
def user() -> None:
    """Manage accounts: roles are admin, documenter, reviewer, analyst, viewer."""


@user.command("add")
@workspace_option
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "documenter", "reviewer", "analyst", "viewer"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one.")
@json_option
@handle_errors
def user_add(workspace_path: Path | None, username: str, role: str, password_stdin: bool, as_json: bool) -> None:
    """Add a user. A generated password is printed once: pass it on privately."""
    from uncounted.records.accounts import create_user

    ws = open_workspace(workspace_path)
    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    password = create_user(ws, username, role, given)
    if as_json:
        echo_json({"username": username, "role": role, "password": None if given else password})
    elif given:
        click.echo(f"Added {username} ({role}).")
    else:
        click.echo(f"Added {username} ({role}). Password (shown once): {password}")


@user.command("role")
@workspace_option
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "documenter", "reviewer", "analyst", "viewer"]))
@handle_errors
def user_role(workspace_path: Path | None, username: str, role: str) -> None:
    """Change a user's role."""
    from uncounted.records.accounts import set_role

    set_role(open_workspace(workspace_path), username, role)
    click.echo(f"{username} is now {role}.")


@user.command("grant")
@workspace_option
@click.argument("username")
@click.argument("source")
@handle_errors
def user_grant(workspace_path: Path | None, username: str, source: str) -> None:
    """Let USERNAME see the reports of SOURCE (its name or number)."""
    from uncounted.records.accounts import grant

    grant(open_workspace(workspace_path), username, source)
    click.echo(f"{username} may now see {source}.")


@user.command("revoke")
@workspace_option
@click.argument("username")
@click.argument("source")
@handle_errors
def user_revoke(workspace_path: Path | None, username: str, source: str) -> None:
    """Take away USERNAME's access to SOURCE."""
    from uncounted.records.accounts import revoke

    revoke(open_workspace(workspace_path), username, source)
    click.echo(f"{username} may no longer see {source}.")


@user.command("list")
@workspace_option
@json_option
@handle_errors
def user_list(workspace_path: Path | None, as_json: bool) -> None:
    """List users with role, state and granted sources."""
    from uncounted.records.accounts import list_users

    users = list_users(open_workspace(workspace_path))
    if as_json:
        echo_json(users)
        return
    print_table([{**u, "grants": ", ".join(u["grants"])} for u in users],
                ["username", "role", "active", "locked", "totp", "grants"])


@user.command("password")
@workspace_option
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@handle_errors
def user_password(workspace_path: Path | None, username: str, password_stdin: bool) -> None:
    """Set a new password for a user (a generated one is printed once) and end their sessions."""
    from sqlalchemy import update

    from uncounted.records import accounts
    from uncounted.records.auth_models import AuthSession

    ws = open_workspace(workspace_path)
    new = sys.stdin.readline().rstrip("\n") if password_stdin else accounts.generate_password()
    with ws.session() as session:
        accounts.change_password(session, username, new, actor=ws.actor)
        user_id = accounts.get_user(session, username).id
        session.execute(update(AuthSession).where(AuthSession.user_id == user_id).values(revoked=True))
    click.echo(f"New password for {username}" + ("." if password_stdin else f" (shown once): {new}"))


@user.command("unlock")
@workspace_option
@click.argument("username")
@handle_errors
def user_unlock(workspace_path: Path | None, username: str) -> None:
    """Unlock an account locked after failed logins."""
    from uncounted.records.accounts import unlock

    ws = open_workspace(workspace_path)
    with ws.session() as session:
        unlock(session, username, actor=ws.actor)
    click.echo(f"{username} is unlocked.")


@user.command("totp")
@workspace_option
@click.argument("username")
@click.option("--off", is_flag=True, help="Turn two-step login off instead.")
@handle_errors
def user_totp(workspace_path: Path | None, username: str, off: bool) -> None:
    """Turn on two-step login (TOTP) for a user; prints the secret once."""
    from uncounted.records import accounts
    from uncounted.records.crypto import load_key

    ws = open_workspace(workspace_path)
    with ws.session() as session:
        if off:
            accounts.disable_totp(session, username, actor=ws.actor)
            click.echo(f"Two-step login is off for {username}.")
            return
        secret, uri = accounts.enable_totp(session, username, load_key(ws), actor=ws.actor)
    click.echo(f"Secret for {username} (shown once; add it to an authenticator app): {secret}")
    click.echo(f"otpauth link: {uri}")


# ---- audit ---------------------------------------------------------------------------------------

@click.group()
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("anchor")
@workspace_option
@click.option("--to", "to", type=click.Path(dir_okay=False, path_type=Path),
              help="Also append the anchor as a JSON line to this file, which must lie outside the workspace "
                   "(default: the setting audit_anchor_file, if set).")
@json_option
@handle_errors
def audit_anchor(workspace_path: Path | None, to: Path | None, as_json: bool) -> None:
    """Print the head of the log (entries, last entry, its hash, time) to keep somewhere else.

    Cutting off the newest entries leaves an intact but shorter chain; `audit verify --anchor`
    finds that by checking the anchored entry is still there. Anchor often (from cron, say):
    entries written after the newest anchor can still be removed unseen.
    """
    from uncounted.records import audit as audit_mod

    ws = open_workspace(workspace_path)
    target = to or _setting_path(ws, "audit_anchor_file")
    if target is not None:
        _refuse_inside_workspace(ws, target)
    with ws.session() as session:
        anchor = audit_mod.head(session)
    if anchor is None:
        raise audit_mod.AnchorProblem("the audit log is empty: there is nothing to anchor yet.")
    if target is not None:
        audit_mod.append_anchor(target, anchor)
    if as_json:
        echo_json({**anchor.to_dict(), "written_to": str(target) if target else None})
        return
    click.echo(f"Audit log head: {anchor.entries} entries; last entry {anchor.seq}, written {anchor.entry_at}")
    click.echo(f"Anchor: {anchor.short}")
    if target is not None:
        click.echo(f"Appended to {target}.", err=True)
    else:
        click.echo("Keep the anchor line where the database's administrators cannot change it; check with "
                   "`uncounted audit verify --anchor SEQ:HASH`.", err=True)


@audit.command("verify")
@workspace_option
@click.option("--anchor", "anchor_spec", metavar="PATH|SEQ:HASH|HASH",
              help="Also check an anchor taken by `audit anchor`: an anchor file (every line is checked), "
                   "SEQ:HASH, or a bare hash. Default: the setting audit_anchor_file, if set and present.")
@json_option
@handle_errors
def audit_verify(workspace_path: Path | None, anchor_spec: str | None, as_json: bool) -> None:
    """Recompute the chain; name the first entry altered, removed or reordered. Exit 1 if broken.

    With an anchor, also check that the anchored entry is still there with the same hash, which
    finds entries cut off the end of the log.
    """
    from uncounted.records import audit as audit_mod

    ws = open_workspace(workspace_path)
    if anchor_spec is None:
        default = _setting_path(ws, "audit_anchor_file")
        anchor_spec = str(default) if default is not None and default.is_file() else None
    anchors = audit_mod.read_anchors(anchor_spec) if anchor_spec else []
    with ws.session() as session:
        check = audit_mod.verify(session)
        anchored = audit_mod.check_anchors(session, anchors) if anchors else None
    ok = check.ok and (anchored is None or anchored.ok)
    if as_json:
        echo_json({"ok": ok, "chain_ok": check.ok, "entries": check.entries, "first_bad_seq": check.first_bad_seq,
                   "problem": check.problem, "anchors_checked": len(anchors),
                   "anchor": anchored.to_dict() if anchored else None})
    else:
        if check.ok and ok:
            click.echo(f"OK: the chain of {check.entries} entries is intact.")
        elif check.ok:
            click.echo(f"The chain of {check.entries} entries is intact in itself, but it lost entries at its end.")
        else:
            click.echo(f"BROKEN at entry {check.first_bad_seq}: {check.problem}", err=True)
        if anchored is not None and anchored.ok:
            click.echo(f"OK: the anchored entry {anchored.anchor.seq} is present with the same hash "
                       f"({len(anchors)} anchor{'s' if len(anchors) != 1 else ''} checked).")
        elif anchored is not None:
            click.echo(f"TRUNCATED: {anchored.problem}", err=True)
    if not ok:
        sys.exit(1)


def _setting_path(ws, name: str) -> Path | None:  # type: ignore[no-untyped-def]
    value = ws.settings.get(name)
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else ws.path / path


def _refuse_inside_workspace(ws, target: Path) -> None:  # type: ignore[no-untyped-def]
    from uncounted.records.audit import AnchorProblem

    resolved = target.expanduser().resolve()
    if resolved == ws.path or ws.path in resolved.parents:
        raise AnchorProblem(f"{target} lies inside the workspace {ws.path}: whoever can cut off the log can "
                            "change that file too. Keep anchors on another disk, machine or in your records.")


# ---- keys ----------------------------------------------------------------------------------------

@click.group()
def key() -> None:
    """The key that encrypts sensitive fields and evidence files (kept outside the database)."""


@key.command("generate")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the new key to this file (readable by you only). Keep it off the database server's "
                   "backups, and keep a copy somewhere safe: without it the sensitive fields are lost.")
@click.option("--print", "print_env", is_flag=True,
              help="Print the key as base64 for the UNCOUNTED_KEY environment variable instead.")
@handle_errors
def key_generate(out: Path | None, print_env: bool) -> None:
    """Make a new random 32-byte key."""
    from uncounted.records.crypto import generate_key, write_key_file

    if not out and not print_env:
        raise click.UsageError("give --out PATH (a key file) or --print (for UNCOUNTED_KEY).")
    new = generate_key()
    if out:
        path = write_key_file(out, new)
        click.echo(f"Wrote {path}. Now set key_file = \"{path.resolve()}\" in uncounted.toml "
                   "(or UNCOUNTED_KEY_FILE).", err=True)
    if print_env:
        click.echo(base64.b64encode(new).decode("ascii"))


@key.command("encrypt-evidence")
@workspace_option
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar on stderr.")
@json_option
@handle_errors
def key_encrypt_evidence(workspace_path: Path | None, progress: bool, as_json: bool) -> None:
    """Encrypt, in place, the evidence files stored before the workspace had a key.

    Each file keeps its name (the SHA-256 of its plain bytes) and stays readable with the key;
    the encrypted copy is checked before it replaces the plain one. Running it again changes
    nothing. The files encrypted are recorded in the audit log. Exit 1 if a plain file no longer
    matches its name (it is left untouched and named).
    """
    from uncounted.records.evidence import encrypt_stored_evidence

    ws = open_workspace(workspace_path)
    sweep = encrypt_stored_evidence(ws, actor=ws.actor, progress=progress)
    if as_json:
        echo_json(sweep.to_dict())
    else:
        click.echo(f"Encrypted {len(sweep.encrypted)} file(s) ({sweep.bytes_encrypted:,} bytes); "
                   f"{sweep.already} were encrypted already.")
        for sha in sweep.damaged:
            click.echo(f"DAMAGED: evidence/{sha[:2]}/{sha[2:]} no longer hashes to its name; left as it was. "
                       "Restore it from a backup.", err=True)
    if sweep.damaged:
        sys.exit(1)
