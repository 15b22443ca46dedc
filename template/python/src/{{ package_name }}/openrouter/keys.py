# Maintained by the OpenRouter app template: copier update replaces this file.
"""This project's keys, made and replaced by policy: python -m <package>.openrouter.keys COMMAND.

The key policy of the env examples, executed with a management key: one key
per environment, named <slug>-<environment>-<date>-<time>, with the
environment's monthly credit limit and, in production, an expiry 90 days ahead.

- create: a new key, saved to .env.<environment> as login saves one, guarded, then verified.
- list: the project's keys in every workspace, which env file holds each (by
  hash) and its guardrail. Never a key.
- rotate: find the current key by its hash, create its successor in the same
  place, guard it and verify it in memory; only then save it (over the old key,
  if the file still holds it) and delete the old key. A successor that fails is
  deleted and the file never changes, so the environment always has a working
  key in its file, even when interrupted (Ctrl-C, SIGTERM, SIGHUP).
  --compromised deletes the old key first.
- guard: the environment's guardrail (its models, its monthly budget), with
  the environment's key assigned to it.

The management key (OPENROUTER_MANAGEMENT_KEY, from the process environment or
.env) is only ever sent to the management API (/keys, /guardrails,
/workspaces); it is never printed or written. Saving and checking a new key is
provision.py's, which login shares.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import account, catalog, envfile, provision
from .config import (
    ENVIRONMENTS,
    PROCESS_ENVIRONMENT,
    PROJECT_SLUG,
    Problem,
    Settings,
    command,
    key_hash,
    key_problem,
    load_settings,
    mask,
    print_out,
    redact,
)

MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY"
# Variables that would make verify check another key than the env file's.
_OVERRIDES = ("OPENROUTER_API_KEY", "OPENROUTER_API_KEY_FILE")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the keys command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    least, most = catalog.TIMEOUT_RANGE
    if not least <= args.timeout <= most:  # NaN is in no range
        parser.error(catalog.say("usage.timeout", least=f"{least:g}", most=f"{most:g}").message)
    management_key = ""
    with provision.Signals() as signals:  # SIGTERM and SIGHUP as Ctrl-C
        try:
            settings = load_settings(args.env if "env" in args else None)
            management_key = read_management_key(settings)
            warn_readable(settings)
            status: int = args.run(args, settings, management_key)
        except Problem as error:
            print(f"error: {redact(error.text.line(), management_key)}", file=sys.stderr)
            return error.status
        except _Interrupted:
            return signals.status  # the step that was interrupted said where things stand
        except KeyboardInterrupt:
            _say("keys.interrupted")
            return signals.status
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=command("keys"),
        allow_abbrev=False,
        description=f"Create, list, rotate and guard this project's keys with a management key "
        f"({MANAGEMENT_KEY}).",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    environments = ", ".join(ENVIRONMENTS)

    about = (
        "Create a key by the environment's policy, save it to .env.<environment>, and verify it."
    )
    create = commands.add_parser("create", allow_abbrev=False, help=about, description=about)
    create.add_argument(
        "--env", required=True, metavar="NAME", help=f"the environment: {environments}"
    )
    create.add_argument(
        "--limit",
        metavar="USD",
        help="monthly credit limit (default: the environment's; production needs one)",
    )
    create.add_argument(
        "--force", action="store_true", help="replace a key the env file already holds"
    )
    create.add_argument(
        "--no-guard", action="store_true", help="assign no guardrail (see the guard command)"
    )
    create.set_defaults(run=create_key)

    about = (
        f"Create or update the guardrail {PROJECT_SLUG}-<environment> (the environment's models, "
        "its monthly budget, zero data retention if OPENROUTER_ZDR) and assign the "
        "environment's key to it."
    )
    guard = commands.add_parser("guard", allow_abbrev=False, help=about, description=about)
    guard.add_argument(
        "--env", required=True, metavar="NAME", help=f"the environment: {environments}"
    )
    guard.add_argument(
        "--limit",
        metavar="USD",
        help="monthly budget (default: the environment's; production needs one)",
    )
    guard.set_defaults(run=guard_key)

    about = (
        f"List the account's keys named {PROJECT_SLUG}-*: limit, usage this month, expiry, "
        "and the env file that holds each."
    )
    listing = commands.add_parser("list", allow_abbrev=False, help=about, description=about)
    listing.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    listing.set_defaults(run=list_keys)

    about = "Create the key's successor, save and verify it, then delete the old key."
    rotate = commands.add_parser("rotate", allow_abbrev=False, help=about, description=about)
    rotate.add_argument(
        "--env", required=True, metavar="NAME", help=f"the environment: {environments}"
    )
    rotate.add_argument(
        "--compromised",
        action="store_true",
        help="the key was exposed: delete it first, then create its successor",
    )
    rotate.add_argument("--no-guard", action="store_true", help="assign the successor no guardrail")
    rotate.set_defaults(run=rotate_key)
    for subcommand in commands.choices.values():
        subcommand.add_argument(
            "--timeout",
            type=float,
            default=account.TIMEOUT,
            metavar="SECONDS",
            help=f"how long each request to OpenRouter may take (default: {account.TIMEOUT:g})",
        )
    return parser


def read_management_key(settings: Settings) -> str:
    """OPENROUTER_MANAGEMENT_KEY from the process environment, else .env; Problem if none.

    Never from .env.<environment>: the management key is the account's, not one environment's.
    """
    sources = (PROCESS_ENVIRONMENT, ".env")
    key = next(
        (
            values[MANAGEMENT_KEY]
            for source, values in settings.layers
            if source in sources and values.get(MANAGEMENT_KEY)
        ),
        "",
    )
    if not key:
        raise Problem(catalog.say("keys.no_management_key"))
    if key_problem(key):
        raise Problem(catalog.say("keys.bad_management_key", masked=mask(key)))
    return key


def warn_readable(settings: Settings) -> None:
    """Warn when .env holds the management key and could not be made private (load_settings tries)."""
    if ".env" in settings.files_left_readable and any(
        source == ".env" and values.get(MANAGEMENT_KEY) for source, values in settings.layers
    ):
        text = catalog.say("keys.management_key_readable", files=".env")
        print(f"warning: {text.line()}", file=sys.stderr, flush=True)


def _say(message_id: catalog.MessageId, **values: object) -> None:
    print(catalog.say(message_id, **values).line(), file=sys.stderr, flush=True)


# --- create -----------------------------------------------------------------------


def create_key(args: argparse.Namespace, settings: Settings, management_key: str) -> int:
    environment = settings.environment
    limit_args = ["--limit", args.limit] if args.limit is not None else []
    again = command("keys", "create", "--env", environment, *limit_args)
    example = command("keys", "create", "--env", environment, "--limit", "100")
    limit = account.policy_limit(environment, args.limit, example=example)
    env_file = settings.env_file
    provision.preflight(settings, again)
    if not args.force and provision.holds_key(settings):
        text = catalog.say(
            "keys.key_exists",
            file=env_file.name,
            command=command("keys", "rotate", "--env", environment),
            force_command=command("keys", "create", "--env", environment, *limit_args, "--force"),
        )
        raise Problem(text, status=1)
    models, zdr = guard_settings(settings) if not args.no_guard else ([], None)
    management = account.Management(settings, management_key, args.timeout)
    body = new_key(environment, limit=limit, limit_reset="monthly")
    data, key = _creating(lambda: management.create(body), env_file)
    save(management, settings, key, again)
    _say_created(data, body, env_file)
    if not args.no_guard:
        try:
            guard(management, settings, key_hash(key), data, models, zdr, limit)
        except Problem as error:
            guard_again = command("keys", "guard", "--env", environment, *limit_args)
            name = str(data.get("name", body["name"]))
            _say("keys.guard_failed", name=name, detail=error.text.message, command=guard_again)
            return 1
    return provision.check(settings, timeout=args.timeout)


def new_key(
    environment: str,
    *,
    limit: float | None,
    limit_reset: str | None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """POST /keys's body for a key of the environment, by its policy."""
    now = now or datetime.now(timezone.utc)
    body: dict[str, Any] = {
        # To the second: two keys made the same day get two names.
        "name": account.key_label(environment, f"-{now:%Y%m%d-%H%M%S}"),
        "limit": limit,
        "limit_reset": limit_reset,
    }
    expires_at = account.expiry(environment, now)
    if expires_at is not None:
        body["expires_at"] = expires_at
    return body


def _creating(
    create: Callable[[], tuple[dict[str, Any], str]], env_file: Path
) -> tuple[dict[str, Any], str]:
    """POST /keys; an interruption meanwhile leaves the env file as it was, and says so."""
    try:
        return create()
    except KeyboardInterrupt:
        list_command = command("keys", "list")
        _say("keys.interrupted_creating", file=env_file.name, list_command=list_command)
        raise _Interrupted from None


class _Interrupted(Exception):
    """Interrupted, and the user was told what state things are in."""


def save(management: account.Management, settings: Settings, key: str, again: str) -> None:
    """Write a key just made into the environment's env file; if that fails, delete the key again."""
    try:
        provision.save(settings, key)
    except Problem as error:  # write_key says any failure so
        values = {"file": settings.env_file.name, "detail": error.text.message, "command": again}
        try:
            management.delete(key_hash(key))
        except Problem as left:
            reason = left.text.message
            text = catalog.say(
                "keys.create_unsaved_left", reason=reason, hash=key_hash(key), **values
            )
            raise Problem(text, status=1) from None
        raise Problem(catalog.say("keys.create_unsaved", **values), status=1) from None


def _say_created(
    data: dict[str, Any], body: dict[str, Any], env_file: Path, old_name: str | None = None
) -> None:
    """Say what was made and where it went (and, rotating, which key it replaces)."""
    expires_at = body.get("expires_at")
    _say(
        "keys.created" if old_name is None else "keys.successor_saved",
        name=data.get("name", body["name"]),
        limit=_limit_text(body["limit"], body["limit_reset"]),
        expiry=catalog.say("keys.expiry", date=expires_at[:10]).message if expires_at else "",
        file=env_file.name,
        old_name=old_name,
    )


# --- guard ------------------------------------------------------------------------


def guard_key(args: argparse.Namespace, settings: Settings, management_key: str) -> int:
    environment = settings.environment
    limit_args = ["--limit", args.limit] if args.limit is not None else []
    example = command("keys", "guard", "--env", environment, "--limit", "100")
    limit = account.policy_limit(environment, args.limit, example=example)
    models, zdr = guard_settings(settings)
    env_file = settings.env_file
    key = (envfile.read(env_file) or {}).get("OPENROUTER_API_KEY") if env_file.is_file() else None
    if not key:
        create = command("keys", "create", "--env", environment, *limit_args)
        raise Problem(catalog.say("keys.no_key_to_guard", file=env_file.name, command=create))
    management = account.Management(settings, management_key, args.timeout)
    record = management.get(key_hash(key))
    if record is None:
        text = catalog.say(
            "keys.unknown_key",
            file=env_file.name,
            masked=mask(key),
            command=command("keys", "create", "--env", environment, "--force"),
        )
        raise Problem(text, status=1)
    guard(management, settings, key_hash(key), record, models, zdr, limit)
    return 0


def guard_settings(settings: Settings) -> tuple[list[str], bool | None]:
    """The guardrail's models (the model, then OPENROUTER_FALLBACK_MODELS) and enforce_zdr.

    Problem (exit 2) for an OPENROUTER_ZDR that is neither true nor false.
    """
    fallbacks = settings.get("OPENROUTER_FALLBACK_MODELS") or ""
    models = [settings.model, *(part.strip() for part in fallbacks.split(",") if part.strip())]
    zdr = settings.get("OPENROUTER_ZDR")
    if zdr is not None and zdr.strip().lower() not in ("true", "false"):
        text = catalog.say("keys.bad_zdr", value=zdr, command=command("verify"))
        raise Problem(text)
    return list(dict.fromkeys(models)), None if zdr is None else zdr.strip().lower() == "true"


def guard(
    management: account.Management,
    settings: Settings,
    digest: str,
    record: dict[str, Any],
    models: list[str],
    zdr: bool | None,
    limit: float | None,
) -> dict[str, Any]:
    """Create or update the environment's guardrail, and assign the key (by its hash) to it.

    In the key's own workspace; a guardrail of that name already there is updated.
    """
    name = account.key_label(settings.environment)
    body: dict[str, Any] = {
        "name": name,
        "allowed_models": models,
        "limit_usd": limit,
        "reset_interval": "monthly",
    }
    if zdr is not None:
        body["enforce_zdr"] = zdr
    workspace = record.get("workspace_id") if isinstance(record.get("workspace_id"), str) else None
    found = next(
        (
            guardrail
            for guardrail in management.guardrails(workspace)
            if guardrail.get("name") == name and isinstance(guardrail.get("id"), str)
        ),
        None,
    )
    if found is not None:
        guardrail = management.update_guardrail(found["id"], body)
    else:
        guardrail = management.create_guardrail(
            {**body, **({"workspace_id": workspace} if workspace else {})}
        )
    management.assign(guardrail["id"], digest)
    _say(
        "keys.guarded",
        name=name,
        models=", ".join(models),
        limit=_limit_text(limit, "monthly"),
        zdr=catalog.say("keys.guard_zdr").message if zdr else "",
        key_name=str(record.get("name") or digest[:12]),
    )
    return guardrail


# --- list -------------------------------------------------------------------------


def list_keys(args: argparse.Namespace, settings: Settings, management_key: str) -> int:
    prefix = f"{PROJECT_SLUG}-"
    holders = env_files_by_hash(settings.directory)
    management = account.Management(settings, management_key, args.timeout)
    guardrails = guardrails_by_hash(management)

    def keep(record: dict[str, Any]) -> dict[str, Any] | None:
        """Only what list shows, of the project's keys: the rest of each page is dropped."""
        name = record.get("name")
        ours = isinstance(name, str) and (
            name.startswith(prefix) or account.label_environment(name) is not None
        )
        return listing(record, holders, guardrails) if ours else None

    rows = management.list(keep)
    if args.json:
        # Compact, as JSON.stringify writes it: both languages print the same bytes.
        document = {"keys": rows}
        output = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    elif rows:
        output = table(rows)
    else:
        create = command("keys", "create", "--env", settings.environment)
        output = catalog.say("keys.none", prefix=prefix, command=create).line()
    return print_out(output) or 0


def env_files_by_hash(directory: Path) -> dict[str, str]:
    """Which env file holds which key, by the key's hash."""
    holders: dict[str, str] = {}
    for name in [*(f".env.{environment}" for environment in ENVIRONMENTS), ".env"]:
        path = directory / name
        key = (envfile.read(path) or {}).get("OPENROUTER_API_KEY") if path.is_file() else None
        if key:
            holders.setdefault(key_hash(key), name)
    return holders


def guardrails_by_hash(management: account.Management) -> dict[str, str]:
    """Which guardrail (by name) each key is assigned to, by the key's hash."""
    names = {
        guardrail["id"]: str(guardrail.get("name") or guardrail["id"])
        for guardrail in management.guardrails()
        if isinstance(guardrail.get("id"), str)
    }
    found: dict[str, str] = {}
    for assignment in management.key_assignments():
        digest, guardrail_id = assignment.get("key_hash"), assignment.get("guardrail_id")
        if isinstance(digest, str) and isinstance(guardrail_id, str):
            found[digest] = names.get(guardrail_id, guardrail_id)
    return found


def listing(
    record: dict[str, Any], holders: dict[str, str], guardrails: dict[str, str] | None = None
) -> dict[str, Any]:
    """One key as list shows it: what the management API says (printable), and where it is used."""
    name = catalog.printable(str(record["name"]))
    environment = account.label_environment(name)
    digest = record.get("hash")
    return {
        "name": name,
        "environment": environment,
        "hash": catalog.printable(digest) if isinstance(digest, str) else None,
        "limit": _number(record.get("limit")),
        "limit_reset": _text(record.get("limit_reset")),
        "usage_monthly": _number(record.get("usage_monthly")),
        "expires_at": _text(record.get("expires_at")),
        "disabled": record.get("disabled") is True,
        "file": holders.get(digest) if isinstance(digest, str) else None,
        "guardrail": _text((guardrails or {}).get(digest)) if isinstance(digest, str) else None,
    }


def table(rows: list[dict[str, Any]]) -> str:
    """The keys as an aligned table, one line each."""
    header = (
        "NAME",
        "ENVIRONMENT",
        "LIMIT",
        "THIS MONTH (USD)",
        "EXPIRES",
        "DISABLED",
        "FILE",
        "GUARDRAIL",
    )
    lines = [header] + [
        (
            row["name"],
            row["environment"] or "-",
            _limit_text(row["limit"], row["limit_reset"]),
            "-" if row["usage_monthly"] is None else _cents(row["usage_monthly"]),
            (row["expires_at"] or "never")[:10],
            "yes" if row["disabled"] else "no",
            row["file"] or "-",
            row["guardrail"] or "-",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _limit_text(limit: float | None, reset: str | None) -> str:
    """A credit limit as people read it: 10 USD monthly, 10 USD, none."""
    if limit is None:
        return "none"
    return f"{account.usd(limit)} USD {reset}" if reset else f"{account.usd(limit)} USD"


def _cents(amount: float) -> str:
    # Rounded half up by hand, so that both languages print the same digits.
    return f"{math.floor(amount * 100 + 0.5) / 100:.2f}"


def _number(value: object) -> float | None:
    """A finite JSON number, else None (NaN, Infinity and huge values count as absent).

    Whole numbers come back as int, so that --json writes 10 as JSON.stringify does.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    if not math.isfinite(number) or abs(number) >= 1e15:
        return None
    return int(number) if number.is_integer() else number


def _text(value: object) -> str | None:
    """A text the server sent, as list shows it: printable (see catalog.printable)."""
    return catalog.printable(value) if isinstance(value, str) else None


# --- rotate -----------------------------------------------------------------------


def rotate_key(args: argparse.Namespace, settings: Settings, management_key: str) -> int:
    environment = settings.environment
    again = command(
        "keys", "rotate", "--env", environment, *(["--compromised"] if args.compromised else [])
    )
    env_file = settings.env_file
    provision.preflight(settings, again)
    guarding = None if args.no_guard else guard_settings(settings)
    overriding = next((name for name in _OVERRIDES if os.environ.get(name)), None)
    if overriding is not None:
        text = catalog.say(
            "keys.exported_key", variable=overriding, file=env_file.name, command=again
        )
        raise Problem(text)
    old_key = (
        (envfile.read(env_file) or {}).get("OPENROUTER_API_KEY") if env_file.is_file() else None
    )
    if not old_key:
        create = command("keys", "create", "--env", environment)
        raise Problem(catalog.say("keys.no_key_to_rotate", file=env_file.name, command=create))

    management = account.Management(settings, management_key, args.timeout)
    old_hash = key_hash(old_key)
    old = management.get(old_hash)
    if old is None:
        text = catalog.say(
            "keys.unknown_key",
            file=env_file.name,
            masked=mask(old_key),
            command=command("keys", "create", "--env", environment, "--force"),
        )
        raise Problem(text, status=1)
    old_name = str(old.get("name") or old_hash[:12])
    body = successor(environment, old)
    rotation = _Rotation(settings, management, again, old_key, old_name)
    rotation.guarding = None if args.no_guard else guarding
    return rotation.after_exposure(body) if args.compromised else rotation.replace(body)


def successor(environment: str, old: dict[str, Any]) -> dict[str, Any]:
    """The body that creates the old key's successor: the same limit, reset, BYOK setting and
    workspace, a new expiry."""
    reset = old.get("limit_reset")
    body = new_key(
        environment,
        limit=_number(old.get("limit")),
        limit_reset=reset if reset in ("daily", "weekly", "monthly") else None,
    )
    if isinstance(old.get("include_byok_in_limit"), bool):
        body["include_byok_in_limit"] = old["include_byok_in_limit"]
    if isinstance(old.get("workspace_id"), str) and old["workspace_id"]:
        body["workspace_id"] = old["workspace_id"]  # where the old key was, the new one goes
    return body


class _Rotation:
    """One rotation's steps. Until the old key is deleted, every way out leaves it in the file."""

    def __init__(
        self,
        settings: Settings,
        management: account.Management,
        again: str,
        old_key: str,
        old_name: str,
    ) -> None:
        self.settings = settings
        self.environment = settings.environment
        self.management = management
        self.env_file = settings.env_file
        self.again = again
        self.old_key = old_key
        self.old_name = old_name
        #: The guardrail's models and enforce_zdr (guard_settings()), or None: --no-guard.
        self.guarding: tuple[list[str], bool | None] | None = None

    def replace(self, body: dict[str, Any]) -> int:
        """Create, guard and verify (in memory); save only then, and then delete the old key.

        The env file changes once, from the old working key to the new working
        key, and only if it still holds the old one.
        """
        file = self.env_file.name
        data, key = _creating(lambda: self.management.create(body), self.env_file)
        name, digest = str(data.get("name", body["name"])), key_hash(key)
        _say_created(data, body, self.env_file, old_name=self.old_name)
        try:
            if self.guarding is not None:
                models, zdr = self.guarding
                limit = account.POLICY_LIMITS.get(self.environment, body["limit"])
                guard(self.management, self.settings, digest, data, models, zdr, limit)
            verified = provision.check_key(self.settings, key, timeout=self.management.timeout) == 0
        except KeyboardInterrupt:
            _say(
                "keys.interrupted_verifying",
                file=file,
                old_name=self.old_name,
                name=name,
                hash=digest,
                command=self.again,
            )
            raise _Interrupted from None
        except Problem as error:  # the guardrail could not be set
            text = catalog.say(
                "keys.successor_unguarded",
                name=name,
                detail=error.text.message,
                file=file,
                old_name=self.old_name,
                command=self.again,
                no_guard=f"{self.again} --no-guard",
            )
            print(text.line(), file=sys.stderr)
            self._delete_successor(name, digest)
            return 1
        if not verified:
            _say(
                "keys.successor_failed",
                name=name,
                file=file,
                old_name=self.old_name,
                command=self.again,
            )
            self._delete_successor(name, digest)
            return 1
        if self._held() != self.old_key:  # a login --force, an editor: theirs, not ours to replace
            _say("keys.file_changed", file=file, old_name=self.old_name, command=self.again)
            self._delete_successor(name, digest)
            return 1
        save(self.management, self.settings, key, self.again)
        old_hash = key_hash(self.old_key)
        try:
            self.management.delete(old_hash)
        except KeyboardInterrupt:
            _say(
                "keys.interrupted_deleting",
                file=file,
                name=name,
                old_name=self.old_name,
                hash=old_hash,
            )
            raise _Interrupted from None
        except Problem as error:
            _say(
                "keys.old_left",
                file=file,
                name=name,
                old_name=self.old_name,
                detail=error.text.message,
                hash=old_hash,
            )
            return 1
        _say(
            "keys.rotated",
            environment=self.environment,
            file=file,
            name=name,
            old_name=self.old_name,
        )
        return 0

    def _held(self) -> str | None:
        """The key the env file holds now (None when it holds none or cannot be read)."""
        try:
            values = envfile.read(self.env_file) if self.env_file.is_file() else None
        except Problem:
            return None
        return (values or {}).get("OPENROUTER_API_KEY")

    def _delete_successor(self, name: str, digest: str) -> None:
        try:
            self.management.delete(digest)
        except Problem as error:
            _say("keys.successor_left", name=name, detail=error.text.message, hash=digest)
        else:
            _say("keys.successor_deleted", name=name)

    def after_exposure(self, body: dict[str, Any]) -> int:
        """--compromised: delete the exposed key first, then create, save and verify its successor."""
        self.management.delete(key_hash(self.old_key))
        _say("keys.compromised_deleted", old_name=self.old_name)
        create = command("keys", "create", "--env", self.environment, "--force")
        try:
            data, key = self.management.create(body)
            save(self.management, self.settings, key, self.again)
        except KeyboardInterrupt:
            _say("keys.interrupted_compromised", file=self.env_file.name, command=create)
            raise _Interrupted from None
        except Problem as error:
            print(f"error: {error.text.line()}", file=sys.stderr)
            _say("keys.compromised_unsaved", file=self.env_file.name, command=create)
            return 1
        _say_created(data, body, self.env_file)
        if self.guarding is not None:
            models, zdr = self.guarding
            limit = account.POLICY_LIMITS.get(self.environment, body["limit"])
            try:
                guard(self.management, self.settings, key_hash(key), data, models, zdr, limit)
            except Problem as error:
                guard_again = command("keys", "guard", "--env", self.environment)
                name = str(data.get("name", body["name"]))
                _say("keys.guard_failed", name=name, detail=error.text.message, command=guard_again)
                return 1
        return provision.check(self.settings, timeout=self.management.timeout)


if __name__ == "__main__":
    sys.exit(main())
