"""What verify must report in each situation a user can be in.

Each scenario below sets up the fake OpenRouter, the env files and the command
line; EXPECTED (generated from the template's shared table, which the
TypeScript flavour uses too) says what verify must then report: the eight
checks' statuses (config, key_format, base_url, reachability, key, credits,
model, chat), the exit status, and a phrase the report must contain.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fake_openrouter import FakeOpenRouter, new_key


@dataclass(frozen=True)
class Project:
    """What the scenarios need to know about the project under test."""

    environment: str
    environments: tuple[str, ...]
    ceiling: float | None


@dataclass
class Setup:
    """One scenario's world: the fake, the project directory, the command line."""

    project: Project
    fake: FakeOpenRouter
    directory: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def write_env(self, key: str, base_url: str = "", file: str = "", **more: str) -> None:
        """Write the environment's env file: the key, the base URL and more variables."""
        values = {"OPENROUTER_API_KEY": key, "OPENROUTER_BASE_URL": base_url or self.fake.base_url}
        text = "".join(f"{name}={value}\n" for name, value in {**values, **more}.items())
        path = self.directory / (file or f".env.{self.project.environment}")
        path.write_text(text, encoding="utf-8")

    def good_key(self, **data: Any) -> str:
        """A key the fake accepts, within the environment's policy, in its env file."""
        key = self.fake.add_key(None, **{"limit": 5.0, "limit_remaining": 4.0, **data})
        self.write_env(key)
        return key


EXPECTED: dict[str, tuple[str, int, str]] = {
    "all_good": (
        "pass pass pass pass pass pass pass skip",
        0,
        "--chat",
    ),
    "chat_ok": (
        "pass pass pass pass pass pass pass pass",
        0,
        "1-token",
    ),
    "legacy_key_endpoint": (
        "pass pass pass pass pass pass pass skip",
        0,
        "",
    ),
    "no_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "settings/keys",
    ),
    "placeholder_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "placeholder",
    ),
    "openai_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "sk-or-v1-",
    ),
    "whitespace_in_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "whitespace",
    ),
    "quotes_in_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "quote",
    ),
    "smart_dash_in_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "non-ASCII",
    ),
    "malformed_base_url": (
        "pass pass fail skip skip skip skip skip",
        2,
        "OPENROUTER_BASE_URL",
    ),
    "unknown_environment": (
        "fail skip skip skip skip skip skip skip",
        2,
        "--env",
    ),
    "unusual_key_length": (
        "pass warn pass pass pass pass pass skip",
        0,
        "64 hex",
    ),
    "expiring_key": (
        "pass pass pass pass warn pass pass skip",
        0,
        "expires in",
    ),
    "no_credit_limit": (
        "pass pass pass pass pass warn pass skip",
        0,
        "credit limit",
    ),
    "limit_above_policy": (
        "pass pass pass pass pass warn pass skip",
        0,
        "suggested",
    ),
    "exported_key_overrides_file": (
        "warn pass pass pass pass pass pass skip",
        0,
        "unset",
    ),
    "same_key_in_two_environments": (
        "warn pass pass pass pass pass pass skip",
        0,
        "one key per environment",
    ),
    "revoked_key": (
        "pass pass pass pass fail skip pass skip",
        1,
        "revoked",
    ),
    "management_key": (
        "pass pass pass pass fail skip pass skip",
        1,
        "management key",
    ),
    "expired_key": (
        "pass pass pass pass fail skip pass skip",
        1,
        "expired",
    ),
    "no_credit_left": (
        "pass pass pass pass pass fail pass skip",
        1,
        "settings/credits",
    ),
    "chat_without_credits": (
        "pass pass pass pass pass pass pass fail",
        1,
        "settings/credits",
    ),
    "forbidden": (
        "pass pass pass pass fail skip pass skip",
        1,
        "HTTP 403",
    ),
    "unknown_model": (
        "pass pass pass pass pass pass fail skip",
        1,
        "openrouter.ai/models",
    ),
    "unroutable_model": (
        "pass pass pass pass pass pass fail skip",
        1,
        "no provider",
    ),
    "key_rate_limited": (
        "pass pass pass pass fail skip pass skip",
        1,
        "Retry-After: 30",
    ),
    "chat_rate_limited": (
        "pass pass pass pass pass pass pass fail",
        1,
        "Retry-After: 12",
    ),
    "chat_timed_out": (
        "pass pass pass pass pass pass pass fail",
        1,
        "HTTP 408",
    ),
    "openrouter_outage": (
        "pass pass pass pass fail skip pass skip",
        1,
        "status.openrouter.ai",
    ),
    "html_error_page": (
        "pass pass pass fail skip skip skip skip",
        1,
        "status.openrouter.ai",
    ),
    "wrong_base_url": (
        "pass pass warn fail skip skip skip skip",
        1,
        "/api/v1",
    ),
    "connection_refused": (
        "pass pass pass fail skip skip skip skip",
        1,
        "refused",
    ),
    "unknown_host": (
        "pass pass warn fail skip skip skip skip",
        1,
        "https",
    ),
    "tls_failure": (
        "pass pass pass fail skip skip skip skip",
        1,
        "TLS",
    ),
    "server_never_answers": (
        "pass pass pass fail skip skip skip skip",
        1,
        "did not answer within 1 s",
    ),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Setup], None]
    statuses: str
    exit_code: int
    phrase: str
    applies: Callable[[Project], bool]


SCENARIOS: list[Scenario] = []


def scenario(
    applies: Callable[[Project], bool] = lambda project: True,
) -> Callable[[Callable[[Setup], None]], Callable[[Setup], None]]:
    """Register the decorated function as the scenario of its name in EXPECTED."""

    def register(prepare: Callable[[Setup], None]) -> Callable[[Setup], None]:
        statuses, exit_code, phrase = EXPECTED[prepare.__name__]
        SCENARIOS.append(Scenario(prepare.__name__, prepare, statuses, exit_code, phrase, applies))
        return prepare

    return register


def scenarios_for(project: Project) -> list[Scenario]:
    """The scenarios that make sense for this project's answers."""
    return [scenario for scenario in SCENARIOS if scenario.applies(project)]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _in_days(days: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


# --- the key is fine, and so is everything else -------------------------------------


@scenario()
def all_good(setup: Setup) -> None:
    setup.good_key()


@scenario()
def chat_ok(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")


@scenario()
def legacy_key_endpoint(setup: Setup) -> None:
    """Where /key does not exist, verify asks the legacy /auth/key."""
    setup.good_key()
    setup.fake.legacy_key_endpoint_only = True


# --- found offline: exit 2, nothing sent ----------------------------------------


@scenario()
def no_key(setup: Setup) -> None:
    pass


@scenario()
def placeholder_key(setup: Setup) -> None:
    setup.write_env("sk-or-v1-...")


@scenario()
def openai_key(setup: Setup) -> None:
    setup.write_env("sk-proj-" + new_key().removeprefix("sk-or-v1-"))


@scenario()
def whitespace_in_key(setup: Setup) -> None:
    setup.write_env(f'"{new_key()} "')


@scenario()
def quotes_in_key(setup: Setup) -> None:
    setup.env["OPENROUTER_API_KEY"] = f"'{new_key()}'"


@scenario()
def smart_dash_in_key(setup: Setup) -> None:
    setup.write_env(new_key().replace("-", "\u2010", 1))


@scenario()
def malformed_base_url(setup: Setup) -> None:
    setup.write_env(new_key(), "openrouter.ai/api/v1")


@scenario()
def unknown_environment(setup: Setup) -> None:
    setup.args += ["--env", "qa"]


# --- warnings: exit 0 ------------------------------------------------------------


@scenario()
def unusual_key_length(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key("sk-or-v1-" + "ab12" * 5, limit=5.0))


@scenario()
def expiring_key(setup: Setup) -> None:
    setup.good_key(expires_at=_in_days(3))


@scenario()
def no_credit_limit(setup: Setup) -> None:
    setup.good_key(limit=None, limit_remaining=None)


@scenario(applies=lambda project: project.ceiling is not None)
def limit_above_policy(setup: Setup) -> None:
    setup.good_key(limit=(setup.project.ceiling or 0) + 15, limit_remaining=1.0)


@scenario()
def exported_key_overrides_file(setup: Setup) -> None:
    setup.good_key()
    setup.env["OPENROUTER_API_KEY"] = setup.fake.add_key(None, limit=5.0)


@scenario(applies=lambda project: len(project.environments) > 1)
def same_key_in_two_environments(setup: Setup) -> None:
    key = setup.good_key()
    other = next(e for e in setup.project.environments if e != setup.project.environment)
    setup.write_env(key, file=f".env.{other}")


# --- the key or the account ------------------------------------------------------


@scenario()
def revoked_key(setup: Setup) -> None:
    setup.write_env(new_key())


@scenario()
def management_key(setup: Setup) -> None:
    setup.good_key(is_management_key=True)


@scenario()
def expired_key(setup: Setup) -> None:
    setup.good_key(expires_at=_in_days(-2))


@scenario()
def no_credit_left(setup: Setup) -> None:
    setup.good_key(limit_remaining=0.0)


@scenario()
def chat_without_credits(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.respond("/api/v1/chat/completions", 402, error="Insufficient credits")


@scenario()
def forbidden(setup: Setup) -> None:
    setup.good_key()
    setup.fake.respond("/api/v1/key", 403, error="Forbidden")


# --- the model ----------------------------------------------------------------------


@scenario()
def unknown_model(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="nobody/no-such-model")


@scenario()
def unroutable_model(setup: Setup) -> None:
    setup.fake.models["acme/idle-model"] = []
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="acme/idle-model")


# --- OpenRouter says no, or says nothing --------------------------------------------


@scenario()
def key_rate_limited(setup: Setup) -> None:
    setup.good_key()
    headers = {
        "Retry-After": "30",
        "X-RateLimit-Limit": "20",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1791331200000",
    }
    setup.fake.respond("/api/v1/key", 429, error="Rate limit exceeded", headers=headers)


@scenario()
def chat_rate_limited(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    headers = {"Retry-After": "12"}
    setup.fake.respond(
        "/api/v1/chat/completions", 429, error="Rate limit exceeded", headers=headers
    )


@scenario()
def chat_timed_out(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.respond("/api/v1/chat/completions", 408, error="Request timed out")


@scenario()
def openrouter_outage(setup: Setup) -> None:
    setup.good_key()
    setup.fake.respond("/api/v1/key", 503, error="Service Unavailable")


@scenario()
def html_error_page(setup: Setup) -> None:
    setup.good_key()
    page = b"<html><body>502 Bad Gateway</body></html>"
    setup.fake.respond("/api/v1/key", 502, body=page, content_type="text/html")


@scenario()
def wrong_base_url(setup: Setup) -> None:
    """A base URL without /api/v1 reaches OpenRouter's website: HTML, not JSON."""
    setup.write_env(setup.fake.add_key(), setup.fake.origin + "/v1")


@scenario()
def connection_refused(setup: Setup) -> None:
    setup.write_env(new_key(), f"http://127.0.0.1:{_closed_port()}/api/v1")


@scenario()
def unknown_host(setup: Setup) -> None:
    setup.write_env(new_key(), "http://openrouter.invalid/api/v1")


@scenario()
def tls_failure(setup: Setup) -> None:
    setup.write_env(new_key(), setup.fake.base_url.replace("http:", "https:"))


@scenario()
def server_never_answers(setup: Setup) -> None:
    setup.good_key()
    setup.fake.respond("/api/v1/key", hang=True)
    setup.args += ["--timeout", "1"]
