# Maintained by the OpenRouter app template: copier update replaces this file.
"""What verify must report in each situation a user can be in.

Each scenario below sets up the fake OpenRouter, the env files and the command
line; EXPECTED (generated from the template's shared table, which the
TypeScript flavour uses too) says what verify must then report: the eight
checks' statuses (config, key_format, base_url, reachability, key, credits,
model, chat), the exit status, and a phrase the report must contain
(Setup.expected() fills in its {key_hash}).
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fake_server import (
    ALIAS,
    MODEL,
    OPENAI_MODEL,
    ROUTER,
    FakeOpenRouter,
    StalledListener,
    new_key,
)

#: An app's own URL: every scenario's env file sends it, so config passes.
REFERER = "https://github.com/acme/research-assistant"


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
    key: str = ""  # the key in the environment's own env file
    stalled: StalledListener | None = None  # a server that never finishes a TLS handshake

    def __post_init__(self) -> None:
        if self.project.environment == "production":
            # Production keys expire by policy: one that never does is a warning of its own.
            self.fake.key_expires_at = _in_days(60)

    def write_env(self, key: str, base_url: str = "", file: str = "", **more: str) -> None:
        """Write the environment's env file: the key, the base URL, the referer and more."""
        values = {
            "OPENROUTER_API_KEY": key,
            "OPENROUTER_BASE_URL": base_url or self.fake.base_url,
            "OPENROUTER_HTTP_REFERER": REFERER,
            **more,
        }
        text = "".join(f"{name}={value}\n" for name, value in values.items())
        own_file = f".env.{self.project.environment}"
        (self.directory / (file or own_file)).write_text(text, encoding="utf-8")
        if (file or own_file) == own_file:
            self.key = key

    def expected(self, phrase: str) -> str:
        """The phrase, with {key_hash} standing for the hash of the key verify uses."""
        key = self.env.get("OPENROUTER_API_KEY") or self.key
        return phrase.replace("{key_hash}", hashlib.sha256(key.encode()).hexdigest())

    def close(self) -> None:
        """Stop what the scenario started besides the fake."""
        if self.stalled is not None:
            self.stalled.stop()

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
        "16-token",
    ),
    "no_key": (
        "pass fail pass skip skip skip skip skip",
        2,
        "no key is set",
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
    "chat_with_openai_model": (
        "pass pass pass pass pass pass pass pass",
        0,
        "16-token",
    ),
    "router_model": (
        "pass pass pass pass pass pass pass skip",
        0,
        "a router",
    ),
    "alias_model": (
        "pass pass pass pass pass pass pass skip",
        0,
        "resolves to openai/gpt-5.2",
    ),
    "variant_model": (
        "pass pass pass pass pass pass pass skip",
        0,
        "provider endpoint",
    ),
    "variant_not_found": (
        "pass pass pass pass pass pass warn skip",
        0,
        "resolves some :variants",
    ),
    "openai_org_and_project_exported": (
        "pass pass pass pass pass pass pass pass",
        0,
        "16-token",
    ),
    "provisioning_key": (
        "pass pass pass pass fail skip pass skip",
        1,
        "management key",
    ),
    "free_tier_key": (
        "pass pass pass pass warn pass pass skip",
        0,
        "free tier",
    ),
    "key_expires_in_ten_days": (
        "pass pass pass pass warn pass pass skip",
        0,
        "https://openrouter.ai/keys/{key_hash}",
    ),
    "usage_reported": (
        "pass pass pass pass pass pass pass skip",
        0,
        "2.50 USD this month",
    ),
    "placeholder_referer": (
        "warn pass pass pass pass pass pass skip",
        0,
        "counts every app",
    ),
    "unknown_category": (
        "warn pass pass pass pass pass pass skip",
        0,
        "does not know the app category chatbot",
    ),
    "too_many_categories": (
        "warn pass pass pass pass pass pass skip",
        0,
        "at most 2",
    ),
    "chat_blocked_by_data_policy": (
        "pass pass pass pass pass pass pass fail",
        1,
        "privacy settings",
    ),
    "chat_needs_fewer_max_tokens": (
        "pass pass pass pass pass pass pass fail",
        1,
        "OPENROUTER_MAX_TOKENS",
    ),
    "provider_rate_limited": (
        "pass pass pass pass pass pass pass fail",
        1,
        "not your key's",
    ),
    "redirect_to_other_origin": (
        "pass pass pass fail skip skip skip skip",
        1,
        "was not followed",
    ),
    "credits_page_of_the_key": (
        "pass pass pass pass pass fail pass skip",
        1,
        "logs?api_key_hash={key_hash}",
    ),
    "max_tokens_not_a_number": (
        "fail skip skip skip skip skip skip skip",
        2,
        "OPENROUTER_MAX_TOKENS",
    ),
    "no_key_in_env_file": (
        "pass fail pass skip skip skip skip skip",
        2,
        "after OPENROUTER_API_KEY= in .env.",
    ),
    "no_key_example_only": (
        "pass fail pass skip skip skip skip skip",
        2,
        "cp -n .env.",
    ),
    "unreachable_without_chat": (
        "pass pass pass fail skip skip skip skip",
        1,
        "--chat also sends",
    ),
    "model_endpoint_down": (
        "pass pass pass pass pass pass pass skip",
        0,
        "served by 1 working provider endpoint",
    ),
    "model_every_endpoint_down": (
        "pass pass pass pass pass pass fail skip",
        1,
        "none is working",
    ),
    "model_to_be_removed": (
        "pass pass pass pass pass pass warn skip",
        0,
        "after 2026-12-31",
    ),
    "chat_rate_limited_until_reset": (
        "pass pass pass pass pass pass pass fail",
        1,
        "s (until 12:34:56 UTC, from X-RateLimit-Reset)",
    ),
    "chat_free_model_limit": (
        "pass pass pass pass pass pass pass fail",
        1,
        "at least 10 USD of credits",
    ),
    "chat_provider_limit_suggests_fallbacks": (
        "pass pass pass pass pass pass pass fail",
        1,
        "OPENROUTER_FALLBACK_MODELS",
    ),
    "chat_key_limit_exceeded": (
        "pass pass pass pass pass pass pass fail",
        1,
        "It resets monthly, next on",
    ),
    "chat_key_limit_spent": (
        "pass pass pass pass pass fail pass fail",
        1,
        "adding credits to the account does not lift it",
    ),
    "chat_moderated": (
        "pass pass pass pass pass pass pass fail",
        1,
        "moderation",
    ),
    "gzip_bomb": (
        "pass pass pass fail skip skip skip skip",
        1,
        "larger than 1 MiB",
    ),
    "nan_in_key_data": (
        "pass pass pass fail skip skip skip skip",
        1,
        "malformed JSON",
    ),
    "huge_limit": (
        "pass pass pass pass pass warn pass skip",
        0,
        "no credit limit",
    ),
    "stalled_tls_handshake": (
        "pass pass pass fail skip skip skip skip",
        1,
        "did not answer within 1 s",
    ),
    "timeout_out_of_range": (
        "fail skip skip skip skip skip skip skip",
        2,
        "from 0.001 to 86400",
    ),
    "key_from_a_key_file": (
        "pass pass pass pass pass pass pass skip",
        0,
        "(OPENROUTER_API_KEY_FILE in .env.",
    ),
    "hostile_error_message": (
        "pass pass pass pass fail skip pass skip",
        1,
        "User not found.\\u001b]0;owned\\u0007\\u001b[8m",
    ),
    "hostile_key_label": (
        "pass pass pass pass pass pass pass skip",
        0,
        "team\\u202egnp.exe\\u001b]0;owned\\u0007",
    ),
    "hostile_model_name": (
        "pass pass pass pass pass pass fail skip",
        1,
        "acme/\\u001b[2Jmodel\\u2066",
    ),
    "fallback_models_checked": (
        "pass pass pass pass pass pass pass skip",
        0,
        "anthropic/claude-haiku-4.5 is served by",
    ),
    "fallback_model_missing": (
        "pass pass pass pass pass pass fail skip",
        1,
        "no model nobody/no-such-model (a fallback in OPENROUTER_FALLBACK_MODELS)",
    ),
    "chat_with_fallbacks_and_preferences": (
        "pass pass pass pass pass pass pass pass",
        0,
        "16-token",
    ),
    "bad_provider_sort": (
        "fail skip skip skip skip skip skip skip",
        2,
        "OPENROUTER_PROVIDER_SORT (cheapest) is not one of: price, throughput, latency",
    ),
    "bad_data_collection": (
        "fail skip skip skip skip skip skip skip",
        2,
        "OPENROUTER_DATA_COLLECTION (never) is not one of: allow, deny",
    ),
    "bad_zdr": (
        "fail skip skip skip skip skip skip skip",
        2,
        "OPENROUTER_ZDR (yes) is not one of: true, false",
    ),
    "bad_fallback_models": (
        "fail skip skip skip skip skip skip skip",
        2,
        "OPENROUTER_FALLBACK_MODELS (a/b c/d) is not a comma-separated list",
    ),
    "key_echoed_in_long_error": (
        "pass pass pass pass fail skip pass skip",
        1,
        "found. sk-or-v1-…",
    ),
    "production_key_without_a_guardrail": (
        "pass pass pass pass fail skip pass skip",
        1,
        "guard --env production",
    ),
    "production_key_guarded": (
        "pass pass pass pass pass pass pass skip",
        0,
        "Guardrail app-production",
    ),
    "guardrail_does_not_allow_the_model": (
        "pass pass pass pass fail skip pass skip",
        1,
        "does not allow",
    ),
    "production_key_without_expiry": (
        "pass pass pass pass warn pass pass skip",
        0,
        "never expires",
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


def _next_12_34_56_utc() -> int:
    """The next 12:34:56 UTC at least a minute away, in ms since the epoch (X-RateLimit-Reset)."""
    now = datetime.now(timezone.utc)
    at = now.replace(hour=12, minute=34, second=56, microsecond=0)
    if at < now + timedelta(minutes=1):
        at += timedelta(days=1)
    return int(at.timestamp() * 1000)


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


# --- found offline: exit 2, nothing sent ----------------------------------------


@scenario()
def no_key(setup: Setup) -> None:
    setup.write_env("", file=".env")


@scenario()
def no_key_in_env_file(setup: Setup) -> None:
    setup.write_env("")


@scenario()
def no_key_example_only(setup: Setup) -> None:
    setup.write_env("", file=".env")
    example = f".env.{setup.project.environment}.example"
    (setup.directory / example).write_text("OPENROUTER_API_KEY=\n", encoding="utf-8")


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
    setup.write_env("")
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


@scenario()
def max_tokens_not_a_number(setup: Setup) -> None:
    setup.write_env(new_key(), OPENROUTER_MAX_TOKENS="lots")


@scenario()
def timeout_out_of_range(setup: Setup) -> None:
    setup.good_key()
    setup.args += ["--timeout", "86401"]


# --- warnings: exit 0 ------------------------------------------------------------


@scenario()
def unusual_key_length(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key("sk-or-v1-" + "ab12" * 5, limit=5.0))


@scenario()
def expiring_key(setup: Setup) -> None:
    setup.good_key(expires_at=_in_days(3))


@scenario()
def key_expires_in_ten_days(setup: Setup) -> None:
    setup.good_key(expires_at=_in_days(10))


@scenario()
def free_tier_key(setup: Setup) -> None:
    setup.good_key(is_free_tier=True)


@scenario()
def usage_reported(setup: Setup) -> None:
    setup.good_key(usage_daily=0.25, usage_monthly=2.5)


@scenario()
def placeholder_referer(setup: Setup) -> None:
    key = setup.fake.add_key(None, limit=5.0)
    setup.write_env(key, OPENROUTER_HTTP_REFERER="https://www.example.org/my-app")


@scenario()
def unknown_category(setup: Setup) -> None:
    key = setup.fake.add_key(None, limit=5.0)
    setup.write_env(key, OPENROUTER_APP_CATEGORIES="cli-agent,chatbot")


@scenario()
def too_many_categories(setup: Setup) -> None:
    key = setup.fake.add_key(None, limit=5.0)
    setup.write_env(key, OPENROUTER_APP_CATEGORIES="cli-agent,general-chat,roleplay")


@scenario()
def huge_limit(setup: Setup) -> None:
    """Numbers past any amount of money (400 digits, 1e400) read as absent: no limit."""
    setup.good_key()
    limits = '"limit": 1' + "0" * 400 + ', "limit_remaining": 1e400'
    expiry = f', "expires_at": "{_in_days(60)}"'  # a production key by policy
    text = '{"data": {"label": "x", ' + limits + ', "usage": 0' + expiry + "}}"
    setup.fake.raw_json("/api/v1/key", text)


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
def provisioning_key(setup: Setup) -> None:
    """A management key that /key reports only with the deprecated flag."""
    setup.good_key(is_management_key=False, is_provisioning_key=True)


@scenario()
def expired_key(setup: Setup) -> None:
    setup.good_key(expires_at=_in_days(-2))


@scenario()
def no_credit_left(setup: Setup) -> None:
    setup.good_key(limit_remaining=0.0)


@scenario()
def credits_page_of_the_key(setup: Setup) -> None:
    setup.good_key(limit_remaining=-0.5)


@scenario()
def chat_without_credits(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.respond("/api/v1/chat/completions", 402, error="Insufficient credits")


@scenario()
def chat_blocked_by_data_policy(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.data_policy_404()


@scenario()
def chat_needs_fewer_max_tokens(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.insufficient_credits()


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


@scenario()
def chat_with_openai_model(setup: Setup) -> None:
    """OpenAI-served models refuse fewer than 16 tokens: the chat check asks for 16."""
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL=OPENAI_MODEL)
    setup.args.append("--chat")


@scenario()
def router_model(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL=ROUTER)


@scenario()
def alias_model(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL=ALIAS)


@scenario()
def variant_model(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL=f"{MODEL}:nitro")


@scenario()
def variant_not_found(setup: Setup) -> None:
    """OpenRouter's model lookup misses some :variants that chat serves: a warning, not a failure."""
    key = setup.fake.add_key(None, limit=5.0)
    setup.write_env(key, OPENROUTER_MODEL="nobody/no-such-model:free")


@scenario()
def openai_org_and_project_exported(setup: Setup) -> None:
    """OPENAI_* variables never reach OpenRouter: the fake refuses any request they would mark."""
    setup.good_key()
    setup.args.append("--chat")
    setup.env.update(
        OPENAI_ORG_ID="org-should-not-be-sent",
        OPENAI_PROJECT_ID="proj_should_not_be_sent",
        OPENAI_CUSTOM_HEADERS="X-Proxy-Secret: should-not-be-sent\nAuthorization: Bearer sk-not-this",
    )
    setup.fake.refused_headers.update({"OpenAI-Organization", "OpenAI-Project", "X-Proxy-Secret"})


@scenario()
def model_endpoint_down(setup: Setup) -> None:
    """Only endpoints whose status is 0 serve requests: one of two is down."""
    setup.fake.endpoint_down("acme/flaky-model", "DeepInfra")
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="acme/flaky-model")


@scenario()
def model_every_endpoint_down(setup: Setup) -> None:
    for provider in ("DeepInfra", "Together"):
        setup.fake.endpoint_down("acme/flaky-model", provider, status=-2)
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="acme/flaky-model")


@scenario()
def model_to_be_removed(setup: Setup) -> None:
    setup.fake.expire_model("acme/old-model", "2026-12-31")
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="acme/old-model")


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
def provider_rate_limited(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.provider_rate_limit()


@scenario()
def chat_rate_limited_until_reset(setup: Setup) -> None:
    """OpenRouter's own 429 without Retry-After: the wait comes from X-RateLimit-Reset."""
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.rate_limit(reset_ms=_next_12_34_56_utc())


@scenario()
def chat_free_model_limit(setup: Setup) -> None:
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL=f"{MODEL}:free")
    setup.args.append("--chat")
    setup.fake.free_model_limit()


@scenario()
def chat_provider_limit_suggests_fallbacks(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    setup.fake.provider_rate_limit(provider_code="429")


@scenario()
def chat_key_limit_exceeded(setup: Setup) -> None:
    """The 403 users report when the key's own limit is spent: not moderation, not the balance."""
    setup.good_key(limit_reset="monthly")
    setup.args.append("--chat")
    setup.fake.key_limit_exceeded(reset="monthly")


@scenario()
def chat_key_limit_spent(setup: Setup) -> None:
    """A 402 while GET /key says the key's limit_remaining is spent: the key's cap."""
    setup.fake.exhaust_key(setup.good_key(limit_reset="weekly"))
    setup.args.append("--chat")


@scenario()
def chat_moderated(setup: Setup) -> None:
    setup.good_key()
    setup.args.append("--chat")
    flagged = "Your chosen model requires moderation and your input was flagged"
    metadata = {"reasons": ["violence"], "flagged_input": "...", "provider_name": "OpenAI"}
    setup.fake.respond("/api/v1/chat/completions", 403, error=flagged, metadata=metadata)


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
def redirect_to_other_origin(setup: Setup) -> None:
    """A redirect is reported where it points, never followed and never blamed on the key."""
    setup.good_key()
    setup.fake.redirect("/api/v1/key")


@scenario()
def gzip_bomb(setup: Setup) -> None:
    setup.good_key()
    setup.fake.gzip_bomb("/api/v1/key")


@scenario()
def nan_in_key_data(setup: Setup) -> None:
    setup.good_key()
    setup.fake.raw_json("/api/v1/key", '{"data": {"label": "x", "limit": NaN, "usage": Infinity}}')


@scenario()
def wrong_base_url(setup: Setup) -> None:
    """A base URL without /api/v1 reaches OpenRouter's website: HTML, not JSON."""
    setup.write_env(setup.fake.add_key(), setup.fake.origin + "/v1")


@scenario()
def connection_refused(setup: Setup) -> None:
    setup.write_env(new_key(), f"http://127.0.0.1:{_closed_port()}/api/v1")


@scenario()
def unreachable_without_chat(setup: Setup) -> None:
    """Whatever stopped the run, the chat line says how to run the chat check."""
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


@scenario()
def stalled_tls_handshake(setup: Setup) -> None:
    """A server that accepts the connection and never answers the TLS handshake."""
    setup.stalled = StalledListener()
    setup.write_env(new_key(), setup.stalled.base_url)
    setup.args += ["--timeout", "1"]


# --- the key from a file ------------------------------------------------------


@scenario()
def key_from_a_key_file(setup: Setup) -> None:
    """A secret mount holds the key; the environment's file names it."""
    key = setup.fake.add_key(None, limit=5.0, limit_remaining=4.0)
    (setup.directory / "openrouter-key").write_text(f"{key}\n", encoding="utf-8")
    setup.write_env("", OPENROUTER_API_KEY_FILE="openrouter-key")


# --- what a server or a file says, escaped ---------------------------------------


@scenario()
def hostile_error_message(setup: Setup) -> None:
    """OpenRouter's own words, retitling the terminal and hiding what follows: shown escaped."""
    setup.good_key()
    setup.fake.respond("/api/v1/key", 401, error="User not found.\x1b]0;owned\x07\x1b[8m")


@scenario()
def hostile_key_label(setup: Setup) -> None:
    """A label with a right-to-left override and an escape sequence, in the report and the JSON."""
    setup.good_key(label="team\u202egnp.exe\x1b]0;owned\x07", expires_at="\u2067soon\x1b[8m")


@scenario()
def hostile_model_name(setup: Setup) -> None:
    """A model name from the env file is text from outside too."""
    setup.write_env(setup.fake.add_key(None, limit=5.0), OPENROUTER_MODEL="acme/\x1b[2Jmodel\u2066")


# --- fallback models and provider preferences ----------------------------------------

FALLBACK = "anthropic/claude-haiku-4.5"


@scenario()
def fallback_models_checked(setup: Setup) -> None:
    setup.fake.serve_model(FALLBACK)
    key = setup.fake.add_key(None, limit=5.0)
    setup.write_env(key, OPENROUTER_MODEL=MODEL, OPENROUTER_FALLBACK_MODELS=f"{FALLBACK},{ALIAS}")


@scenario()
def fallback_model_missing(setup: Setup) -> None:
    setup.fake.serve_model(FALLBACK)
    key = setup.fake.add_key(None, limit=5.0)
    fallbacks = f"{FALLBACK},nobody/no-such-model"
    setup.write_env(key, OPENROUTER_MODEL=MODEL, OPENROUTER_FALLBACK_MODELS=fallbacks)


@scenario()
def chat_with_fallbacks_and_preferences(setup: Setup) -> None:
    """The chat check sends what the app sends; the model fails, its fallback answers."""
    setup.fake.serve_model(FALLBACK)
    setup.fake.fail_model(MODEL)
    setup.write_env(
        setup.fake.add_key(None, limit=5.0),
        OPENROUTER_MODEL=MODEL,
        OPENROUTER_FALLBACK_MODELS=FALLBACK,
        OPENROUTER_PROVIDER_SORT="latency",
        OPENROUTER_DATA_COLLECTION="deny",
        OPENROUTER_ZDR="true",
    )
    setup.args.append("--chat")


@scenario()
def bad_provider_sort(setup: Setup) -> None:
    setup.write_env(new_key(), OPENROUTER_PROVIDER_SORT="cheapest")


@scenario()
def bad_data_collection(setup: Setup) -> None:
    setup.write_env(new_key(), OPENROUTER_DATA_COLLECTION="never")


@scenario()
def bad_zdr(setup: Setup) -> None:
    setup.write_env(new_key(), OPENROUTER_ZDR="yes")


@scenario()
def bad_fallback_models(setup: Setup) -> None:
    setup.write_env(new_key(), OPENROUTER_FALLBACK_MODELS="a/b c/d")


@scenario()
def key_echoed_in_long_error(setup: Setup) -> None:
    """The server echoes the key 270 characters in: a cut at 300 would keep its first 21 digits."""
    key = setup.good_key()
    words = "No auth credentials found. " * 10
    setup.fake.respond("/api/v1/key", 401, error=f"{words}{key} is not a key of this account.")


# --- guardrails (OPENROUTER_MANAGEMENT_KEY set too) and the production policy ---------


def _has_production(project: Project) -> bool:
    return "production" in project.environments


def _production_key(setup: Setup, **data: Any) -> str:
    """A production key in .env.production, checked with --env production."""
    key = setup.fake.add_key(None, **{"limit": 5.0, "limit_remaining": 4.0, **data})
    setup.write_env(key, file=".env.production", OPENROUTER_MODEL=MODEL)
    setup.args += ["--env", "production"]
    return key


@scenario(_has_production)
def production_key_without_a_guardrail(setup: Setup) -> None:
    _production_key(setup, expires_at=_in_days(60))
    setup.env["OPENROUTER_MANAGEMENT_KEY"] = setup.fake.add_management_key()


@scenario(_has_production)
def production_key_guarded(setup: Setup) -> None:
    key = _production_key(setup, expires_at=_in_days(60))
    setup.env["OPENROUTER_MANAGEMENT_KEY"] = setup.fake.add_management_key()
    guardrail = setup.fake.add_guardrail("app-production", allowed_models=[MODEL])
    setup.fake.assign_guardrail(guardrail, hashlib.sha256(key.encode()).hexdigest())


@scenario()
def guardrail_does_not_allow_the_model(setup: Setup) -> None:
    key = setup.good_key()
    setup.env["OPENROUTER_MANAGEMENT_KEY"] = setup.fake.add_management_key()
    guardrail = setup.fake.add_guardrail("app-guard", allowed_models=["x-ai/grok-4"])
    setup.fake.assign_guardrail(guardrail, hashlib.sha256(key.encode()).hexdigest())


@scenario(_has_production)
def production_key_without_expiry(setup: Setup) -> None:
    _production_key(setup, expires_at=None)
