# Maintained by the OpenRouter app template: copier update replaces this file.
"""What login and keys must do in each situation a user can be in.

Each scenario below sets up the fake OpenRouter, the env files, the process
environment, and what the user does (in the browser, at the terminal);
EXPECTED (generated from the template's shared table, which the TypeScript
flavour uses too) says what must then happen: the command line, its exit
status, a phrase its output holds, and what the env file holds afterwards.
The runner in test_keys.py (and the template's conformance test, for both
languages) plays them.
"""

from __future__ import annotations

import html
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, urlsplit

from fake_server import API, FakeOpenRouter, key_hash, new_key

MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY"


@dataclass(frozen=True)
class Project:
    """What the scenarios need to know about the project under test."""

    slug: str
    environments: tuple[str, ...]


class User(Protocol):
    """The person at the terminal, as a scenario drives them."""

    def wait_for(self, text: str) -> None:
        """Wait until the command has printed text (on stderr)."""

    def type(self, text: str) -> None:
        """Type a line (nothing: just end the input) into the command."""


@dataclass
class Setup:
    """One scenario's world: the fake, the project directory, the command's environment."""

    project: Project
    fake: FakeOpenRouter
    directory: Path
    env: dict[str, str] = field(default_factory=dict)
    #: What the user does with the URL login printed: open it, answer its page...
    browse: Callable[[str, User], None] | None = None
    #: Send Ctrl-C (SIGINT) once the fake has received this request (method, path).
    interrupt_on: tuple[str, str] | None = None
    #: The signal that interrupts: SIGINT (Ctrl-C), SIGTERM (docker stop), SIGHUP (SSH gone).
    interrupt_with: str = "SIGINT"
    #: What else must hold afterwards, given what the command printed on stdout.
    check: Callable[[str], None] | None = None
    #: Undo what the runner cannot (permissions), even when the scenario failed.
    cleanup: Callable[[], None] | None = None
    old_key: str = ""
    pages: list[str] = field(default_factory=list)

    def env_file(self, environment: str = "development") -> Path:
        return self.directory / f".env.{environment}"

    def point_at_fake(self) -> None:
        """.env sends the project to the fake, as a user's .env could send it anywhere."""
        (self.directory / ".env").write_text(f"OPENROUTER_BASE_URL={self.fake.base_url}\n")

    def management_key(self) -> str:
        """A management key the fake accepts, exported as OPENROUTER_MANAGEMENT_KEY."""
        key = self.fake.add_management_key(None, name=f"{self.project.slug}-admin")
        self.env[MANAGEMENT_KEY] = key
        return key

    def existing_key(self, environment: str = "development", **data: object) -> str:
        """A key made earlier by the keys command, in the environment's env file."""
        fields: dict[str, object] = {
            "name": f"{self.project.slug}-{environment}-20260101",
            "limit": 10.0,
            "limit_remaining": 9.0,
            "limit_reset": "monthly",
            **data,
        }
        self.old_key = self.fake.add_key(None, **fields)
        self.env_file(environment).write_text(
            f"# {environment}\nOPENROUTER_API_KEY={self.old_key}\n"
        )
        return self.old_key

    def open(self, url: str) -> str:
        """Do what the browser does: open the URL, follow redirects, keep the page."""
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                text = str(response.read().decode())
        except urllib.error.HTTPError as error:
            text = str(error.read().decode())
        self.pages.append(text)
        return text

    def approve(self, url: str, user: User) -> None:
        """Sign in and approve: OpenRouter redirects to the callback, which shows a page."""
        self.open(url)

    def paste_code(self, url: str, user: User, extra: str = "") -> None:
        """--headless: open the URL elsewhere, read the code OpenRouter shows, type it."""
        shown = re.search(r"<code id='code'>([^<]*)</code>", self.open(url))
        assert shown is not None, "the fake showed no code"
        user.type(html.unescape(shown[1]) + extra)

    def received(self, method: str, path: str) -> bool:
        """Whether the fake has received this request (its path without the query)."""
        requests = self.fake.requests
        return any(r.method == method and r.path.split("?")[0] == path for r in requests)

    def posted_keys(self) -> list[Any]:
        """The bodies of POST /keys: the keys the command made."""
        requests = self.fake.requests
        return [r.json() for r in requests if r.method == "POST" and r.path == f"{API}/keys"]

    def requests(self, method: str, path: str) -> list[str]:
        """The paths of the fake's requests with this method, under this path."""
        requests = self.fake.requests
        return [r.path for r in requests if r.method == method and r.path.startswith(path)]


EXPECTED: dict[str, tuple[str, int, str, str]] = {
    "create": (
        "keys create --env development",
        0,
        "10 USD monthly",
        "new",
    ),
    "create_with_limit": (
        "keys create --env staging --limit 20",
        0,
        "20 USD monthly",
        "new",
    ),
    "create_production": (
        "keys create --env production --limit 100",
        0,
        "expires",
        "new",
    ),
    "create_production_without_limit": (
        "keys create --env production",
        2,
        "--limit USD",
        "unchanged",
    ),
    "create_bad_limit": (
        "keys create --env development --limit 0x10",
        2,
        "--limit must be",
        "unchanged",
    ),
    "create_keeps_an_existing_key": (
        "keys create --env development",
        1,
        "--force",
        "unchanged",
    ),
    "create_force_replaces_the_key": (
        "keys create --env development --force",
        0,
        "Created",
        "new",
    ),
    "create_into_a_directory": (
        "keys create --env development",
        2,
        "is a directory",
        "unchanged",
    ),
    "create_refused": (
        "keys create --env development",
        1,
        "HTTP 500",
        "unchanged",
    ),
    "create_interrupted": (
        "keys create --env development",
        130,
        "was not changed",
        "unchanged",
    ),
    "no_management_key": (
        "keys list",
        2,
        "settings/management-keys",
        "unchanged",
    ),
    "management_key_from_dot_env": (
        "keys list --json",
        0,
        '"keys"',
        "unchanged",
    ),
    "ordinary_key_as_management_key": (
        "keys list",
        1,
        "HTTP 401",
        "unchanged",
    ),
    "list_table": (
        "keys list",
        0,
        ".env.development",
        "unchanged",
    ),
    "list_json": (
        "keys list --json",
        0,
        '"file":".env.development"',
        "unchanged",
    ),
    "list_nothing": (
        "keys list",
        0,
        "No keys named",
        "none",
    ),
    "rotate": (
        "keys rotate --env development",
        0,
        "Rotated development",
        "new",
    ),
    "rotate_production": (
        "keys rotate --env production",
        0,
        "expires",
        "new",
    ),
    "rotate_compromised": (
        "keys rotate --env development --compromised",
        0,
        "exposed key",
        "new",
    ),
    "rotate_without_a_key": (
        "keys rotate --env development",
        2,
        "no key to rotate",
        "none",
    ),
    "rotate_an_unknown_key": (
        "keys rotate --env development",
        1,
        "not one of this account's keys",
        "unchanged",
    ),
    "rotate_with_an_exported_key": (
        "keys rotate --env development",
        2,
        "unset OPENROUTER_API_KEY",
        "unchanged",
    ),
    "rotate_successor_fails_verification": (
        "keys rotate --env development",
        1,
        "failed verification",
        "old",
    ),
    "rotate_interrupted_creating": (
        "keys rotate --env development",
        130,
        "was not changed",
        "old",
    ),
    "rotate_interrupted_verifying": (
        "keys rotate --env development",
        130,
        "holds the old key",
        "old",
    ),
    "rotate_interrupted_deleting": (
        "keys rotate --env development",
        130,
        "may still exist",
        "new",
    ),
    "rotate_network_error_creating": (
        "keys rotate --env development",
        1,
        "Could not reach",
        "old",
    ),
    "rotate_network_error_verifying": (
        "keys rotate --env development",
        1,
        "failed verification",
        "old",
    ),
    "rotate_network_error_deleting": (
        "keys rotate --env development",
        1,
        "could not be deleted",
        "new",
    ),
    "list_hostile_names": (
        "keys list",
        0,
        "gnp.exe\\u202e\\u001b]0;owned\\u0007",
        "unchanged",
    ),
    "list_json_hostile_names": (
        "keys list --json",
        0,
        "gnp.exe\\\\u202e\\\\u001b]0;owned\\\\u0007",
        "unchanged",
    ),
    "rotate_hostile_name": (
        "keys rotate --env development",
        0,
        "20260101\\u001b]0;owned\\u0007\\u200b",
        "new",
    ),
    "list_trickled": (
        "keys list --timeout 1",
        1,
        "did not answer within 1 s",
        "unchanged",
    ),
    "create_trickled": (
        "keys create --env development --timeout 1",
        1,
        "did not answer within 1 s",
        "unchanged",
    ),
    "rotate_verifying_hangs": (
        "keys rotate --env development --timeout 1",
        1,
        "did not answer within 1 s",
        "old",
    ),
    "create_with_an_exported_key_file": (
        "keys create --env development",
        0,
        "unset OPENROUTER_API_KEY_FILE",
        "new",
    ),
    "create_with_an_exported_key": (
        "keys create --env development",
        0,
        "unset OPENROUTER_API_KEY)",
        "new",
    ),
    "management_key_in_a_readable_dot_env": (
        "keys list --json",
        0,
        '"keys"',
        "unchanged",
    ),
    "rotate_the_same_day": (
        "keys rotate --env development",
        0,
        "Rotated development",
        "new",
    ),
    "guard": (
        "keys guard --env development",
        0,
        "a leaked key can spend on nothing else",
        "unchanged",
    ),
    "guard_updates_the_guardrail": (
        "keys guard --env development",
        0,
        "Guardrail",
        "unchanged",
    ),
    "guard_without_a_key": (
        "keys guard --env development",
        2,
        "no key to guard",
        "none",
    ),
    "guard_with_a_bad_zdr_setting": (
        "keys guard --env development",
        2,
        "OPENROUTER_ZDR",
        "unchanged",
    ),
    "create_guards_the_key": (
        "keys create --env development",
        0,
        "is assigned to it",
        "new",
    ),
    "create_without_a_guard": (
        "keys create --env development --no-guard",
        0,
        "Created",
        "new",
    ),
    "rotate_guards_the_successor_first": (
        "keys rotate --env development",
        0,
        "Rotated development",
        "new",
    ),
    "rotate_guard_refused": (
        "keys rotate --env development",
        1,
        "could not be guarded",
        "old",
    ),
    "list_json_shows_the_guardrail": (
        "keys list --json",
        0,
        '"guardrail":"',
        "unchanged",
    ),
    "create_interrupted_by_sigterm": (
        "keys create --env development",
        143,
        "was not changed",
        "unchanged",
    ),
    "rotate_interrupted_creating_by_sigterm": (
        "keys rotate --env development",
        143,
        "was not changed",
        "old",
    ),
    "rotate_interrupted_verifying_by_sigterm": (
        "keys rotate --env development",
        143,
        "holds the old key",
        "old",
    ),
    "rotate_interrupted_verifying_by_sighup": (
        "keys rotate --env development",
        129,
        "holds the old key",
        "old",
    ),
    "rotate_interrupted_deleting_by_sighup": (
        "keys rotate --env development",
        129,
        "may still exist",
        "new",
    ),
    "rotate_interrupted_guarding": (
        "keys rotate --env development",
        143,
        "holds the old key",
        "old",
    ),
    "rotate_file_changed_meanwhile": (
        "keys rotate --env development",
        1,
        "changed during the rotation",
        "new",
    ),
    "rotate_keeps_the_place": (
        "keys rotate --env development",
        0,
        "Rotated development",
        "new",
    ),
    "list_finds_keys_in_every_workspace": (
        "keys list --json",
        0,
        '"keys"',
        "unchanged",
    ),
    "approve": (
        "login --no-browser",
        0,
        "Saved the new key",
        "new",
    ),
    "approve_with_limit": (
        "login --no-browser --env staging --limit 20",
        0,
        "Saved the new key",
        "new",
    ),
    "production_without_limit": (
        "login --no-browser --env production",
        2,
        "--limit USD",
        "unchanged",
    ),
    "headless": (
        "login --headless",
        0,
        "Saved the new key",
        "new",
    ),
    "headless_code_with_control_characters": (
        "login --headless",
        1,
        "control characters",
        "unchanged",
    ),
    "headless_without_a_code": (
        "login --headless",
        1,
        "No authorization code",
        "unchanged",
    ),
    "denied": (
        "login --no-browser",
        1,
        "access_denied",
        "unchanged",
    ),
    "denied_with_escape_sequences": (
        "login --no-browser",
        1,
        "sign-in refused",
        "unchanged",
    ),
    "stray_requests_are_ignored": (
        "login --no-browser",
        0,
        "Saved the new key",
        "new",
    ),
    "an_idle_connection_does_not_stall": (
        "login --no-browser",
        0,
        "Saved the new key",
        "new",
    ),
    "exchange_refused": (
        "login --no-browser",
        1,
        "HTTP 403",
        "unchanged",
    ),
    "no_browser_available": (
        "login",
        0,
        "by hand",
        "new",
    ),
    "an_existing_key_is_kept": (
        "login --no-browser",
        1,
        "--force",
        "unchanged",
    ),
    "env_file_is_a_directory": (
        "login --no-browser",
        2,
        "is a directory",
        "unchanged",
    ),
    "env_file_is_read_only": (
        "login --no-browser",
        2,
        "read-only",
        "unchanged",
    ),
    "directory_is_read_only": (
        "login --no-browser",
        2,
        "directory is not writable",
        "unchanged",
    ),
    "timeout": (
        "login --no-browser --timeout 1",
        1,
        "within 1 s",
        "unchanged",
    ),
    "exchange_refused_with_escape_sequences": (
        "login --no-browser",
        1,
        "Invalid code\\u001b]0;owned\\u0007\\u202e",
        "unchanged",
    ),
    "callback_takes_only_its_own_request": (
        "login --no-browser",
        0,
        "Saved the new key",
        "new",
    ),
    "headless_line_too_long": (
        "login --headless",
        1,
        "longer than 4 KiB",
        "unchanged",
    ),
    "exchange_trickled": (
        "login --no-browser --timeout 1",
        1,
        "did not answer within 1 s",
        "unchanged",
    ),
    "approve_with_an_exported_key_file": (
        "login --no-browser",
        0,
        "unset OPENROUTER_API_KEY_FILE",
        "new",
    ),
    "approve_with_an_exported_key": (
        "login --no-browser",
        0,
        "unset OPENROUTER_API_KEY)",
        "new",
    ),
    "save_fails_after_the_exchange": (
        "login --no-browser",
        1,
        "https://openrouter.ai/settings/keys",
        "none",
    ),
    "the_browser_gets_no_key": (
        "login",
        0,
        "Saved the new key",
        "new",
    ),
    "approve_says_where_the_environment_came_from": (
        "login --no-browser",
        0,
        "Environment development (default)",
        "new",
    ),
    "approve_production": (
        "login --no-browser --env production --limit 100",
        0,
        "Saved the new key",
        "new",
    ),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Setup], None]
    command: str
    exit_code: int
    phrase: str
    after: str

    @property
    def program(self) -> str:
        """login or keys."""
        return self.command.split()[0]

    @property
    def args(self) -> list[str]:
        return self.command.split()[1:]

    @property
    def environment(self) -> str:
        """The environment whose env file the command reads or writes."""
        args = self.args
        return args[args.index("--env") + 1] if "--env" in args else "development"

    def applies(self, project: Project) -> bool:
        """Whether the project has the environment the command names."""
        return self.environment in project.environments


SCENARIOS: list[Scenario] = []


def scenario(prepare: Callable[[Setup], None]) -> Callable[[Setup], None]:
    """Register the decorated function as the scenario of its name in EXPECTED."""
    command, exit_code, phrase, after = EXPECTED[prepare.__name__]
    SCENARIOS.append(Scenario(prepare.__name__, prepare, command, exit_code, phrase, after))
    return prepare


def scenarios_for(project: Project) -> list[Scenario]:
    """The scenarios that make sense for this project's environments."""
    return [scenario for scenario in SCENARIOS if scenario.applies(project)]


def _callback_url(url: str) -> str:
    return parse_qs(urlsplit(url).query)["callback_url"][0]


# --- keys create ------------------------------------------------------------------


@scenario
def create(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()

    def check(out: str) -> None:
        (body,) = setup.posted_keys()
        assert body["name"].startswith(f"{setup.project.slug}-development-"), body
        assert (body["limit"], body["limit_reset"]) == (10, "monthly"), body
        assert "expires_at" not in body, body

    setup.check = check


@scenario
def create_with_limit(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()


@scenario
def create_production(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()

    def check(out: str) -> None:
        (body,) = setup.posted_keys()
        assert body["limit"] == 100, body
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["expires_at"]), body

    setup.check = check


@scenario
def create_production_without_limit(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()


@scenario
def create_bad_limit(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()


@scenario
def create_keeps_an_existing_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()


@scenario
def create_force_replaces_the_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()


@scenario
def create_into_a_directory(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.env_file().mkdir()


@scenario
def create_refused(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.respond(f"{API}/keys", 500, error="Internal Server Error", method="POST")


@scenario
def create_interrupted(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.hang(f"{API}/keys", method="POST")
    setup.interrupt_on = ("POST", f"{API}/keys")


# --- the management key -------------------------------------------------------------


@scenario
def no_management_key(setup: Setup) -> None:
    setup.point_at_fake()


@scenario
def management_key_from_dot_env(setup: Setup) -> None:
    setup.point_at_fake()
    key = setup.management_key()
    del setup.env[MANAGEMENT_KEY]
    with (setup.directory / ".env").open("a") as dot_env:
        dot_env.write(f"{MANAGEMENT_KEY}={key}\n")


@scenario
def ordinary_key_as_management_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.env[MANAGEMENT_KEY] = setup.fake.add_key()


# --- keys list ----------------------------------------------------------------------


@scenario
def list_table(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.add_key(None, name="another-project-development")


@scenario
def list_json(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    key = setup.existing_key(expires_at="2027-01-01T00:00:00Z", usage_monthly=1.25)
    setup.fake.add_key(None, name="another-project-development")
    staging = setup.fake.add_key(None, name=f"{setup.project.slug}-staging-20260101", disabled=True)

    def check(out: str) -> None:
        listed = {row["hash"]: row for row in json.loads(out)["keys"]}
        assert set(listed) == {key_hash(key), key_hash(staging)}, listed
        assert listed[key_hash(key)] == {
            "name": f"{setup.project.slug}-development-20260101",
            "environment": "development",
            "hash": key_hash(key),
            "limit": 10,
            "limit_reset": "monthly",
            "usage_monthly": 1.25,
            "expires_at": "2027-01-01T00:00:00Z",
            "disabled": False,
            "file": ".env.development",
            "guardrail": None,
        }
        assert listed[key_hash(staging)]["disabled"] is True
        assert listed[key_hash(staging)]["file"] is None

    setup.check = check


@scenario
def list_nothing(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.add_key(None, name="another-project-development")


# --- keys rotate --------------------------------------------------------------------


def _rotated(setup: Setup) -> None:
    """The old key is gone, and its successor kept its limit and reset."""
    assert setup.old_key not in setup.fake.keys, "the old key was not deleted"
    (body,) = setup.posted_keys()
    assert (body["limit"], body["limit_reset"]) == (10, "monthly"), body


@scenario
def rotate(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.check = lambda out: _rotated(setup)


@scenario
def rotate_production(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key("production", expires_at="2026-01-20T00:00:00Z")

    def check(out: str) -> None:
        _rotated(setup)
        (body,) = setup.posted_keys()
        assert body["expires_at"] > "2026-01-20T00:00:00Z", body

    setup.check = check


@scenario
def rotate_compromised(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    old = setup.existing_key()

    def check(out: str) -> None:
        _rotated(setup)
        order = [r.method for r in setup.fake.requests if r.path.startswith(f"{API}/keys")]
        assert order.index("DELETE") < order.index("POST"), "the exposed key must go first"
        assert setup.requests("DELETE", f"{API}/keys/") == [f"{API}/keys/{key_hash(old)}"]

    setup.check = check


@scenario
def rotate_without_a_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()


@scenario
def rotate_an_unknown_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.env_file().write_text(f"OPENROUTER_API_KEY={new_key()}\n")  # another account's key


@scenario
def rotate_with_an_exported_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.env["OPENROUTER_API_KEY"] = new_key()


def _successor_deleted(setup: Setup) -> None:
    assert setup.old_key in setup.fake.keys, "the old key must keep working"
    (deleted,) = setup.fake.deleted_keys
    assert deleted != setup.old_key, "the successor, not the old key, must be deleted"


@scenario
def rotate_successor_fails_verification(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.respond(f"{API}/key", 401, error="User not found.")
    setup.check = lambda out: _successor_deleted(setup)


@scenario
def rotate_interrupted_creating(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.hang(f"{API}/keys", method="POST")
    setup.interrupt_on = ("POST", f"{API}/keys")


@scenario
def rotate_interrupted_verifying(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.hang(f"{API}/key", method="GET")
    setup.interrupt_on = ("GET", f"{API}/key")


@scenario
def rotate_interrupted_deleting(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    old = setup.existing_key()
    setup.fake.hang(f"{API}/keys/{key_hash(old)}", method="DELETE")
    setup.interrupt_on = ("DELETE", f"{API}/keys/{key_hash(old)}")


@scenario
def rotate_network_error_creating(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.drop(f"{API}/keys", method="POST")


@scenario
def rotate_network_error_verifying(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.drop(f"{API}/key", method="GET")
    setup.check = lambda out: _successor_deleted(setup)


@scenario
def rotate_network_error_deleting(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    old = setup.existing_key()
    setup.fake.drop(f"{API}/keys/{key_hash(old)}", method="DELETE")

    def check(out: str) -> None:
        assert old in setup.fake.keys, "the fake dropped the DELETE"

    setup.check = check


#: A key name as a hostile server could send it: a right-to-left override, a new window title.
HOSTILE_NAME = "gnp.exe\u202e\x1b]0;owned\x07"


@scenario
def list_hostile_names(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.add_key(None, name=f"{setup.project.slug}-development-{HOSTILE_NAME}")


@scenario
def list_json_hostile_names(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    name = f"{setup.project.slug}-development-{HOSTILE_NAME}"
    setup.fake.add_key(None, name=name, limit_reset="\u2066monthly", expires_at="\x1b[8m")

    def check(out: str) -> None:
        (row,) = json.loads(out)["keys"]
        shown = f"{setup.project.slug}-development-gnp.exe\\u202e\\u001b]0;owned\\u0007"
        assert row["name"] == shown, row
        assert (row["limit_reset"], row["expires_at"]) == ("\\u2066monthly", "\\u001b[8m"), row

    setup.check = check


@scenario
def rotate_hostile_name(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key(name=f"{setup.project.slug}-development-20260101\x1b]0;owned\x07\u200b")
    setup.check = lambda out: _rotated(setup)


@scenario
def list_trickled(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.trickle(f"{API}/keys", "GET")


@scenario
def create_trickled(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.fake.trickle(f"{API}/keys", "POST")


@scenario
def rotate_verifying_hangs(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.hang(f"{API}/key", method="GET")
    setup.check = lambda out: _successor_deleted(setup)


def _checked_the_new_key(setup: Setup) -> None:
    """verify checked the key saved in the env file, not the one the environment exports."""
    saved = saved_key(setup.env_file())
    checked = [
        r.headers.get("Authorization") for r in setup.fake.requests if r.path == f"{API}/key"
    ]
    assert checked and set(checked) == {f"Bearer {saved}"}, checked


def _exported_key_file(setup: Setup) -> None:
    """OPENROUTER_API_KEY_FILE exported, naming a file with a key OpenRouter does not know."""
    (setup.directory / "other-key").write_text(f"{new_key()}\n")
    setup.env["OPENROUTER_API_KEY_FILE"] = "other-key"
    setup.check = lambda out: _checked_the_new_key(setup)


def _exported_key(setup: Setup) -> None:
    """OPENROUTER_API_KEY exported, with a key OpenRouter does not know."""
    setup.env["OPENROUTER_API_KEY"] = new_key()
    setup.check = lambda out: _checked_the_new_key(setup)


@scenario
def create_with_an_exported_key_file(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    _exported_key_file(setup)


@scenario
def create_with_an_exported_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    _exported_key(setup)


@scenario
def management_key_in_a_readable_dot_env(setup: Setup) -> None:
    dot_env = setup.directory / ".env"
    key = setup.fake.add_management_key(None, name=f"{setup.project.slug}-admin")
    dot_env.write_text(f"OPENROUTER_BASE_URL={setup.fake.base_url}\n{MANAGEMENT_KEY}={key}\n")
    dot_env.chmod(0o644)

    def check(out: str) -> None:
        assert dot_env.stat().st_mode & 0o777 == 0o600, oct(dot_env.stat().st_mode)

    setup.check = check


@scenario
def rotate_the_same_day(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    today = datetime.now(timezone.utc).strftime("%Y%m%d")
    setup.existing_key(name=f"{setup.project.slug}-development-{today}")  # as 0.2.0 named it

    def check(out: str) -> None:
        _rotated(setup)
        (body,) = setup.posted_keys()
        name = f"{setup.project.slug}-development-{today}"
        assert re.fullmatch(re.escape(name) + r"-[0-9]{6}", body["name"]), body

    setup.check = check


# --- guardrails (keys guard; create and rotate guard by default) -----------------------

FALLBACKS = ("anthropic/claude-haiku-4.5", "openai/gpt-5-mini")


def _guardrail(setup: Setup, environment: str = "development") -> dict[str, Any]:
    """The environment's guardrail (the only one of its name), which must exist."""
    name = f"{setup.project.slug}-{environment}"
    (found,) = [g for g in setup.fake.guardrails.values() if g["name"] == name]
    return found


def _assigned(setup: Setup, key: str) -> str:
    """The id of the guardrail the key is assigned to (it must be assigned to one)."""
    (found,) = [
        a["guardrail_id"] for a in setup.fake.key_assignments if a["key_hash"] == key_hash(key)
    ]
    return str(found)


def _guarded(setup: Setup, key: str, *fallbacks: str, zdr: bool | None = None) -> None:
    guardrail = _guardrail(setup)
    models = guardrail["allowed_models"]
    assert isinstance(models, list) and len(models) == 1 + len(fallbacks), guardrail
    assert tuple(models[1:]) == fallbacks, guardrail
    assert (guardrail["limit_usd"], guardrail["reset_interval"]) == (10, "monthly"), guardrail
    assert guardrail["enforce_zdr"] is zdr, guardrail
    assert _assigned(setup, key) == guardrail["id"]


@scenario
def guard(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    key = setup.existing_key()
    with setup.env_file().open("a") as env_file:
        env_file.write(f"OPENROUTER_FALLBACK_MODELS={', '.join(FALLBACKS)}\nOPENROUTER_ZDR=true\n")
    setup.check = lambda out: _guarded(setup, key, *FALLBACKS, zdr=True)


@scenario
def guard_updates_the_guardrail(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    key = setup.existing_key()
    name = f"{setup.project.slug}-development"
    kept = setup.fake.add_guardrail(name, allowed_models=["x-ai/grok-4"], limit_usd=999.0)

    def check(out: str) -> None:
        _guarded(setup, key)
        assert _guardrail(setup)["id"] == kept, "the guardrail was updated, not made again"

    setup.check = check


@scenario
def guard_without_a_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()


@scenario
def guard_with_a_bad_zdr_setting(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.env["OPENROUTER_ZDR"] = "maybe"


@scenario
def create_guards_the_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.check = lambda out: _guarded(setup, saved_key(setup.env_file()))


@scenario
def create_without_a_guard(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()

    def check(out: str) -> None:
        assert not setup.fake.guardrails and not setup.fake.key_assignments
        assert not setup.requests("POST", f"{API}/guardrails"), "--no-guard asks for none"

    setup.check = check


@scenario
def rotate_guards_the_successor_first(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    old = setup.existing_key()

    def check(out: str) -> None:
        _rotated(setup)
        _guarded(setup, saved_key(setup.env_file()))
        order = [(r.method, r.path.split("?")[0]) for r in setup.fake.requests]
        assigned = order.index(
            ("POST", f"{API}/guardrails/{_guardrail(setup)['id']}/assignments/keys")
        )
        assert assigned < order.index(("DELETE", f"{API}/keys/{key_hash(old)}")), order

    setup.check = check


@scenario
def rotate_guard_refused(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.respond(f"{API}/guardrails", 500, error="Internal Server Error", method="POST")
    setup.check = lambda out: _successor_deleted(setup)


@scenario
def list_json_shows_the_guardrail(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    key = setup.existing_key()
    guardrail = setup.fake.add_guardrail(f"{setup.project.slug}-development")
    setup.fake.assign_guardrail(guardrail, key_hash(key))

    def check(out: str) -> None:
        (row,) = json.loads(out)["keys"]
        assert row["guardrail"] == f"{setup.project.slug}-development", row

    setup.check = check


# --- rotation whatever stops it: SIGTERM (docker stop, a CI timeout), SIGHUP (SSH gone) --


@scenario
def create_interrupted_by_sigterm(setup: Setup) -> None:
    create_interrupted(setup)
    setup.interrupt_with = "SIGTERM"


@scenario
def rotate_interrupted_creating_by_sigterm(setup: Setup) -> None:
    rotate_interrupted_creating(setup)
    setup.interrupt_with = "SIGTERM"


@scenario
def rotate_interrupted_verifying_by_sigterm(setup: Setup) -> None:
    rotate_interrupted_verifying(setup)
    setup.interrupt_with = "SIGTERM"


@scenario
def rotate_interrupted_verifying_by_sighup(setup: Setup) -> None:
    rotate_interrupted_verifying(setup)
    setup.interrupt_with = "SIGHUP"


@scenario
def rotate_interrupted_deleting_by_sighup(setup: Setup) -> None:
    rotate_interrupted_deleting(setup)
    setup.interrupt_with = "SIGHUP"


@scenario
def rotate_interrupted_guarding(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    setup.fake.hang(f"{API}/guardrails", method="POST")
    setup.interrupt_on = ("POST", f"{API}/guardrails")
    setup.interrupt_with = "SIGTERM"


@scenario
def rotate_file_changed_meanwhile(setup: Setup) -> None:
    """A login --force writes another key while the successor is being checked."""
    setup.point_at_fake()
    setup.management_key()
    setup.existing_key()
    theirs = setup.fake.add_key(None, name="from-login")

    def login_force() -> None:
        setup.env_file().write_text(f"OPENROUTER_API_KEY={theirs}\n")

    setup.fake.before("GET", f"{API}/key", login_force)

    def check(out: str) -> None:
        assert saved_key(setup.env_file()) == theirs, "what login wrote must stay"
        assert setup.old_key in setup.fake.keys, "the old key is not deleted"
        (deleted,) = setup.fake.deleted_keys
        assert deleted not in (theirs, setup.old_key), "the successor, and only it, is deleted"

    setup.check = check


#: A workspace other than the account's default one.
OTHER_WORKSPACE = "0df9e665-d932-5740-b2c7-b52af166bc11"


@scenario
def rotate_keeps_the_place(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    place: dict[str, Any] = {
        "workspace_id": OTHER_WORKSPACE,
        "include_byok_in_limit": True,
        "limit_reset": "weekly",
    }
    setup.existing_key(**place)

    def check(out: str) -> None:
        assert setup.old_key not in setup.fake.keys, "the old key was not deleted"
        (body,) = setup.posted_keys()
        assert {name: body.get(name) for name in place} == place, body
        assert _guardrail(setup)["workspace_id"] == OTHER_WORKSPACE, "guarded where the key is"

    setup.check = check


@scenario
def list_finds_keys_in_every_workspace(setup: Setup) -> None:
    setup.point_at_fake()
    setup.management_key()
    here = setup.existing_key()
    setup.fake.add_workspace(OTHER_WORKSPACE)
    name = f"{setup.project.slug}-staging-20260101"
    there = setup.fake.add_key(None, name=name, workspace_id=OTHER_WORKSPACE)

    def check(out: str) -> None:
        listed = sorted(row["hash"] for row in json.loads(out)["keys"])
        assert listed == sorted([key_hash(here), key_hash(there)]), listed

    setup.check = check


# --- login --------------------------------------------------------------------------


def _signed_in(setup: Setup, environment: str, limit: float) -> None:
    """The browser ended on the success page; the key follows the policy."""
    assert "Signed in to OpenRouter" in setup.pages[-1], setup.pages
    label = f"{setup.project.slug}-{environment}"
    (record,) = [r for r in setup.fake.keys.values() if r.get("label") == label]
    assert record["limit"] == limit, record
    (auth,) = [r.path for r in setup.fake.requests if r.path.startswith("/auth?")]
    query = parse_qs(urlsplit(auth).query)
    assert query["key_label"] == [label] and query["limit"] == [f"{limit:g}"], query
    assert query["callback_url"][0].startswith("http://127.0.0.1:"), query
    # The policy as far as the /auth page takes it: a monthly reset, production's expiry.
    assert query["usage_limit_type"] == ["monthly"] and record["limit_reset"] == "monthly", query
    if environment == "production":
        assert record["expires_at"] == query["expires_at"][0] > "2026", query
    else:
        assert "expires_at" not in query and record["expires_at"] is None, query


@scenario
def approve(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    setup.check = lambda out: _signed_in(setup, "development", 10)


@scenario
def approve_with_limit(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    setup.check = lambda out: _signed_in(setup, "staging", 20)


@scenario
def production_without_limit(setup: Setup) -> None:
    setup.point_at_fake()


@scenario
def headless(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.paste_code

    def check(out: str) -> None:
        (auth,) = [r.path for r in setup.fake.requests if r.path.startswith("/auth?")]
        assert "callback_url" not in parse_qs(urlsplit(auth).query), auth

    setup.check = check


@scenario
def headless_code_with_control_characters(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = lambda url, user: setup.paste_code(url, user, extra="\x1b[2J")


@scenario
def headless_without_a_code(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = lambda url, user: user.type("")


def _failed_page(setup: Setup) -> None:
    assert "Sign-in did not complete" in setup.pages[-1], setup.pages
    assert "\x1b" not in setup.pages[-1]


@scenario
def denied(setup: Setup) -> None:
    setup.point_at_fake()
    setup.fake.auth_error = "access_denied"
    setup.browse = setup.approve
    setup.check = lambda out: _failed_page(setup)


@scenario
def denied_with_escape_sequences(setup: Setup) -> None:
    setup.point_at_fake()
    description = quote("\x1b]0;pwned\x07\x1b[31msign-in refused\x1b[0m\u202e")

    def browse(url: str, user: User) -> None:
        setup.open(f"{_callback_url(url)}?error=access_denied&error_description={description}")

    setup.browse = browse
    setup.check = lambda out: _failed_page(setup)


@scenario
def stray_requests_are_ignored(setup: Setup) -> None:
    setup.point_at_fake()

    def browse(url: str, user: User) -> None:
        callback = _callback_url(url)
        origin = callback.removesuffix(urlsplit(callback).path)
        for stray in (callback, f"{callback}?utm_source=scan", f"{origin}/favicon.ico"):
            with_status = setup.open(stray)
            assert "sign-in callback" in with_status, with_status
        setup.approve(url, user)

    setup.browse = browse
    setup.check = lambda out: _signed_in(setup, "development", 10)


@scenario
def an_idle_connection_does_not_stall(setup: Setup) -> None:
    setup.point_at_fake()
    idle: list[socket.socket] = []

    def browse(url: str, user: User) -> None:
        callback = urlsplit(_callback_url(url))
        # A browser's preconnect, a port scan: connected, and never a byte.
        idle.append(socket.create_connection((callback.hostname, callback.port), timeout=60))
        setup.approve(url, user)

    setup.browse = browse
    setup.check = lambda out: _signed_in(setup, "development", 10)

    def cleanup() -> None:
        for connection in idle:
            connection.close()

    setup.cleanup = cleanup


@scenario
def exchange_refused(setup: Setup) -> None:
    setup.point_at_fake()
    setup.fake.respond(f"{API}/auth/keys", 403, error="Invalid code or code_verifier")
    setup.browse = setup.approve
    setup.check = lambda out: _failed_page(setup)


@scenario
def no_browser_available(setup: Setup) -> None:
    setup.point_at_fake()
    setup.env["BROWSER"] = "false"

    def browse(url: str, user: User) -> None:
        user.wait_for("by hand")  # it says so, and keeps waiting
        setup.approve(url, user)

    setup.browse = browse


@scenario
def an_existing_key_is_kept(setup: Setup) -> None:
    setup.point_at_fake()
    setup.existing_key()


@scenario
def env_file_is_a_directory(setup: Setup) -> None:
    setup.point_at_fake()
    setup.env_file().mkdir()


@scenario
def env_file_is_read_only(setup: Setup) -> None:
    setup.point_at_fake()
    setup.env_file().write_text("# kept as it is\n")
    setup.env_file().chmod(0o444)


@scenario
def directory_is_read_only(setup: Setup) -> None:
    setup.point_at_fake()
    setup.directory.chmod(0o555)
    setup.cleanup = lambda: setup.directory.chmod(0o755)


@scenario
def timeout(setup: Setup) -> None:
    setup.point_at_fake()


@scenario
def exchange_refused_with_escape_sequences(setup: Setup) -> None:
    setup.point_at_fake()
    hostile = "Invalid code\x1b]0;owned\x07\u202e"
    setup.fake.respond(f"{API}/auth/keys", 403, error=hostile)
    setup.browse = setup.approve
    setup.check = lambda out: _failed_page(setup)


@scenario
def callback_takes_only_its_own_request(setup: Setup) -> None:
    setup.point_at_fake()
    answers: list[int] = []

    def send(url: str, method: str = "GET", host: str | None = None) -> None:
        headers = {"Host": host} if host else {}
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append(response.status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)

    def browse(url: str, user: User) -> None:
        callback = _callback_url(url)
        parts = urlsplit(callback)
        origin = f"{parts.scheme}://{parts.netloc}"
        assert parts.path.startswith("/callback/") and len(parts.path) > 20, callback
        send(f"{callback}?code=stolen", "POST")
        send(f"{callback}?code=stolen", "PUT")
        send(f"{callback}?code=stolen", host=f"evil.example:{parts.port}")
        send(f"{callback}?code=stolen", host=f"localhost:{parts.port}")
        send(f"{origin}/callback?code=stolen")
        send(f"{callback}x?code=stolen")
        setup.approve(url, user)

    def check(out: str) -> None:
        assert answers == [404] * 6, answers
        _signed_in(setup, "development", 10)

    setup.browse = browse
    setup.check = check


@scenario
def headless_line_too_long(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = lambda url, user: user.type("x" * 5000)


@scenario
def exchange_trickled(setup: Setup) -> None:
    setup.point_at_fake()
    setup.fake.trickle(f"{API}/auth/keys", "POST")
    setup.browse = setup.approve
    setup.check = lambda out: _failed_page(setup)


@scenario
def approve_with_an_exported_key_file(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    _exported_key_file(setup)


@scenario
def approve_with_an_exported_key(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    _exported_key(setup)


@scenario
def save_fails_after_the_exchange(setup: Setup) -> None:
    setup.point_at_fake()

    def browse(url: str, user: User) -> None:
        setup.env_file().mkdir()  # after the check that it could be written
        setup.approve(url, user)

    setup.browse = browse
    setup.check = lambda out: _failed_page(setup)


@scenario
def the_browser_gets_no_key(setup: Setup) -> None:
    setup.point_at_fake()
    seen = setup.directory / "browser-env"
    browser = setup.directory / "browser.sh"
    browser.write_text(f"#!/bin/sh\nenv > '{seen}.part' && mv '{seen}.part' '{seen}'\n")
    browser.chmod(0o755)
    setup.env["BROWSER"] = str(browser)
    setup.management_key()
    setup.env["OPENROUTER_API_KEY"] = setup.fake.add_key(None, limit=5.0)

    def browse(url: str, user: User) -> None:
        deadline = time.monotonic() + 30
        while not seen.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        setup.approve(url, user)

    def check(out: str) -> None:
        environment = seen.read_text()
        assert "OPENROUTER_MANAGEMENT_KEY" not in environment
        assert "OPENROUTER_API_KEY=" not in environment
        keys = [value for value in setup.env.values() if value.startswith("sk-or-v1-")]
        assert keys and not [key for key in keys if key in environment]

    setup.browse = browse
    setup.check = check


@scenario
def approve_says_where_the_environment_came_from(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    setup.check = lambda out: _signed_in(setup, "development", 10)


@scenario
def approve_production(setup: Setup) -> None:
    setup.point_at_fake()
    setup.browse = setup.approve
    setup.check = lambda out: _signed_in(setup, "production", 100)


# --- what every scenario must show afterwards -----------------------------------------

#: Control and format characters (bidi, zero-width), line separators: besides \n and \t.
CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    r"\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_KEY_LINE = re.compile(
    r"^[ \t]*(?:export[ \t]+)?OPENROUTER_API_KEY[ \t]*=[ \t]*(\S*)", re.MULTILINE
)


def snapshot(path: Path) -> bytes | str | None:
    """The env file as it is: its bytes, "directory", or None when there is none."""
    if path.is_dir():
        return "directory"
    return path.read_bytes() if path.exists() else None


def saved_key(path: Path) -> str:
    """The key the env file holds (the last OPENROUTER_API_KEY line), or ""."""
    if not path.is_file():
        return ""
    found = _KEY_LINE.findall(path.read_text(encoding="utf-8"))
    return str(found[-1]).strip("\"'") if found else ""


def assert_outcome(
    scenario: Scenario, setup: Setup, status: int | None, out: str, err: str, before: object
) -> None:
    """What the table row says, and what every row must show: nothing leaked, nothing lost."""
    printed = out + err
    assert status == scenario.exit_code, f"exit {status}\n{printed}"
    assert scenario.phrase in printed, printed
    secrets = {*setup.fake.keys, *setup.env.values(), setup.old_key}
    leaked = [key for key in secrets if key.startswith("sk-or-v1-") and key in printed]
    assert not leaked, f"a key was printed:\n{printed}"
    assert "Traceback" not in err and "    at " not in err, err
    assert not CONTROL.search(printed), f"control characters reached the terminal: {printed!r}"
    if scenario.exit_code == 2:
        assert not setup.fake.requests, "a usage or configuration problem stops before OpenRouter"
        assert "/auth?" not in printed, "no sign-in URL for a problem found before it"
    management = setup.env.get(MANAGEMENT_KEY)
    for request in setup.fake.requests:
        if management and request.headers.get("Authorization") == f"Bearer {management}":
            management_api = (f"{API}/keys", f"{API}/guardrails", f"{API}/workspaces")
            assert request.path.startswith(management_api), f"management key sent to {request.path}"
    left = [p.name for p in setup.directory.iterdir() if "tmp" in p.name.lower()]
    assert not left, f"temporary files left behind: {left}"

    path = setup.env_file(scenario.environment)
    key = saved_key(path)
    record = setup.fake.keys.get(key)
    works = record is not None and not record.get("disabled")
    if scenario.after == "unchanged":
        assert snapshot(path) == before, "the env file changed"
    elif scenario.after == "none":
        assert not key, "the env file holds a key"
    elif scenario.after == "old":
        assert key == setup.old_key and works, "the env file must hold the old, working key"
    else:
        assert key and key != setup.old_key and works, "the env file must hold a new, working key"
    if setup.check is not None:
        setup.check(out)
