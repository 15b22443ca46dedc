"""Check an environment's OpenRouter set-up: python -m <package>.verify [--env NAME].

Three offline checks come first (config, key_format, base_url); if they pass,
the requests behind the other five are sent together, so the whole run costs
about one round trip: GET /key (reachability, key, credits), the model's
endpoints (model) and, with --chat, a 1-token completion (chat).

Exit status: 0 every check passed or warned, 1 a check failed, 2 the
configuration or the command line is unusable (nothing was sent).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, NoReturn
from urllib.parse import quote, urlsplit

import httpx2
import openai

from . import catalog, envfile
from .client import create_async_client
from .config import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
    PROCESS_ENVIRONMENT,
    Problem,
    Settings,
    command,
    describe_key_problem,
    key_problem,
    load_settings,
    mask,
    redact,
)
from .explain import error_detail, explain_connection_error, explain_status, message_values

Status = Literal["pass", "warn", "fail", "skip"]
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: Status
    message: str
    hint: str | None = None

    @classmethod
    def of(cls, name: str, status: Status, *texts: catalog.Text) -> Check:
        """A check whose message and hint join those of several texts."""
        hints = [text.hint for text in texts if text.hint]
        return cls(name, status, " ".join(t.message for t in texts), " ".join(hints) or None)


@dataclass
class Reply:
    """One HTTP exchange, or why there was none (failure)."""

    url: str
    status: int = 0
    body: Any = None
    content_type: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    failure: catalog.Text | None = None

    @property
    def is_json(self) -> bool:
        return self.failure is None and self.body is not None

    def error_detail(self) -> str:
        """OpenRouter's own words about an error, on one line."""
        error = self.body.get("error") if isinstance(self.body, dict) else None
        fallback = (
            f"a {self.content_type or 'non-JSON'} answer" if self.body is None else "no details"
        )
        return error_detail(error, fallback)


@dataclass
class Outcome:
    """What verify found: the checks, what GET /key said, and the exit status."""

    environment: str
    checks: list[Check]
    status: int
    key_info: dict[str, Any] | None = None
    api_key: str = field(default="", repr=False)

    def to_json(self) -> dict[str, Any]:
        """The --json document."""
        return {
            "ok": self.status == 0,
            "environment": self.environment,
            "checks": [asdict(check) for check in self.checks],
            "key": self.key_info,
        }


class UsageError(Exception):
    """A bad command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = _Parser(
        prog=command("verify"),
        allow_abbrev=False,
        description="Check that this project can use OpenRouter, and say what to fix if not.",
    )
    parser.add_argument("--env", help=f"environment to check: {', '.join(ENVIRONMENTS)}")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--chat", action="store_true", help="also send a 1-token completion (spends credit)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="give up after this long (default: 10)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.timeout < math.inf:
        raise UsageError(catalog.say("usage.timeout").message)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run verify; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        outcome = asyncio.run(verify(parse_args(argv)))
    except UsageError as error:
        if "--json" not in argv:
            print(f"{command('verify')}: error: {error} (see --help)", file=sys.stderr)
            return 2
        environment = os.environ.get("APP_ENV") or DEFAULT_ENVIRONMENT
        checks = skip_rest(
            [Check("config", "fail", f"Bad command line: {error}")], "skip.preflight"
        )
        outcome = Outcome(environment, checks, 2)
    if "--json" in argv:
        output = json.dumps(outcome.to_json(), ensure_ascii=False)
    else:
        output = render(outcome, color=_use_color())
    # Nothing above prints the key; this is the last safeguard.
    print(redact(output, outcome.api_key))
    return outcome.status


async def verify(args: argparse.Namespace) -> Outcome:
    """Run the checks for the environment the arguments select."""
    try:
        settings = load_settings(args.env)
    except Problem as error:
        environment = args.env or os.environ.get("APP_ENV") or DEFAULT_ENVIRONMENT
        return Outcome(
            environment, skip_rest([Check.of("config", "fail", error.text)], "skip.preflight"), 2
        )

    checks = [
        config_check(settings, Path.cwd()),
        key_format_check(settings),
        base_url_check(settings),
    ]
    outcome = Outcome(settings.environment, checks, 0, api_key=settings.api_key)
    if any(check.status == "fail" for check in checks):
        outcome.checks, outcome.status = skip_rest(checks, "skip.preflight"), 2
        return outcome

    key_reply, model_reply, chat_reply = await send_requests(settings, args.timeout, args.chat)
    reachability = reachability_check(settings, key_reply, model_reply)
    checks.append(reachability)
    if reachability.status == "fail":
        outcome.checks, outcome.status = skip_rest(checks, "skip.unreachable"), 1
        return outcome

    key, key_info = key_check(settings, key_reply)
    checks.append(key)
    if key.status == "fail":
        checks.append(skip("credits", "skip.key_failed"))
    else:
        checks.append(credits_check(settings, key_info))
    checks += [model_check(settings, model_reply), chat_check(settings, chat_reply)]
    if key_info is not None:
        outcome.key_info = {
            name: redact(value, settings.api_key) if isinstance(value, str) else value
            for name, value in key_info.items()
        }
    outcome.status = 1 if any(check.status == "fail" for check in checks) else 0
    return outcome


# --- offline checks ---------------------------------------------------------


def config_check(settings: Settings, directory: Path) -> Check:
    found = catalog.say(
        "config.ok",
        environment=settings.environment,
        selected_by=settings.selected_by,
        files=", ".join(settings.files_read) or "no env file",
        key_source=settings.key_source,
    )
    keys: dict[str, str] = {}
    for path in (directory / f".env.{environment}" for environment in ENVIRONMENTS):
        if path.is_file() and (key := envfile.read(path).get("OPENROUTER_API_KEY")):
            keys[path.name] = key

    warnings = []
    own_file = f".env.{settings.environment}"
    if (
        settings.key_source == PROCESS_ENVIRONMENT
        and keys.get(own_file, settings.api_key) != settings.api_key
    ):
        warnings.append(catalog.say("config.key_overridden", file=own_file))
    for key in sorted(set(keys.values())):
        sharing = [name for name, other in keys.items() if other == key]
        if len(sharing) > 1:
            warnings.append(catalog.say("config.shared_key", files=" and ".join(sharing)))
    notes = []  # already fixed: news, not a warning
    if settings.files_made_private:
        made_private = ", ".join(settings.files_made_private)
        notes.append(catalog.say("config.made_private", files=made_private))
    return Check.of("config", "warn" if warnings else "pass", found, *notes, *warnings)


def key_format_check(settings: Settings) -> Check:
    problem = key_problem(settings.api_key)
    if problem:
        return Check.of("key_format", "fail", describe_key_problem(settings, problem))
    masked = mask(settings.api_key)
    if not catalog.KEY_PATTERN.fullmatch(settings.api_key):
        length = len(settings.api_key) - len(catalog.KEY_PREFIX)
        return Check.of(
            "key_format", "warn", catalog.say("key_format.length", masked=masked, length=length)
        )
    return Check.of(
        "key_format",
        "pass",
        catalog.say("key_format.ok", masked=masked, key_source=settings.key_source),
    )


def base_url_check(settings: Settings) -> Check:
    url = settings.base_url
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or any(c.isspace() for c in url) or not url.isascii():
        return Check.of("base_url", "fail", catalog.say("base_url.invalid", base_url=url))
    warnings = []
    if parts.scheme != "https" and parts.hostname not in LOOPBACK:
        warnings.append(catalog.say("base_url.insecure", base_url=url))
    if not parts.path.rstrip("/").endswith("/api/v1"):
        warnings.append(catalog.say("base_url.path", base_url=url))
    if warnings:
        return Check.of("base_url", "warn", *warnings)
    return Check.of("base_url", "pass", catalog.say("base_url.ok", base_url=url))


# --- requests, all at once ----------------------------------------------------


async def send_requests(
    settings: Settings, timeout: float, chat: bool
) -> tuple[Reply, Reply, Reply | None]:
    """GET /key, GET the model's endpoints and maybe a 1-token chat, concurrently.

    Everything ends within the timeout, even against a server that accepts the
    connection and never answers. SDK retries are off: verify reports, the app retries.
    """
    async with create_async_client(settings, timeout=timeout, max_retries=0) as client:
        model_path = f"/models/{quote(settings.model, safe='/:')}/endpoints"
        requests = {
            "key": fetch_key(client, settings, timeout),
            "model": send(client, settings, timeout, "GET", model_path),
        }
        if chat:
            body = {
                "model": settings.model,
                "messages": [{"role": "user", "content": "Say OK."}],
                "max_tokens": 1,
            }
            requests["chat"] = send(client, settings, timeout, "POST", "/chat/completions", body)
        tasks = {name: asyncio.ensure_future(request) for name, request in requests.items()}
        done, pending = await asyncio.wait(tasks.values(), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def result(name: str, path: str) -> Reply:
        task = tasks[name]
        if task in done:
            return task.result()
        timed_out = catalog.say(
            "reachability.timeout", **message_values(settings, timeout=f"{timeout:g}")
        )
        return Reply(str(client.base_url) + path.lstrip("/"), failure=timed_out)

    return (
        result("key", "/key"),
        result("model", model_path),
        result("chat", "/chat/completions") if chat else None,
    )


async def fetch_key(client: openai.AsyncOpenAI, settings: Settings, timeout: float) -> Reply:
    """GET /key, falling back to the legacy /auth/key where /key does not exist."""
    reply = await send(client, settings, timeout, "GET", "/key")
    if reply.status == 404 and reply.is_json:
        legacy = await send(client, settings, timeout, "GET", "/auth/key")
        if legacy.status != 404:
            return legacy
    return reply


async def send(
    client: openai.AsyncOpenAI,
    settings: Settings,
    timeout: float,
    method: Literal["GET", "POST"],
    path: str,
    body: dict[str, Any] | None = None,
) -> Reply:
    url = str(client.base_url) + path.lstrip("/")
    started = time.perf_counter()
    try:
        if method == "GET":
            response = await client.get(path, cast_to=httpx2.Response)
        else:
            response = await client.post(path, cast_to=httpx2.Response, body=body)
    except openai.APIStatusError as error:
        response = error.response
    except openai.APIConnectionError as error:
        return Reply(url, failure=explain_connection_error(error, settings, timeout))
    elapsed_ms = (time.perf_counter() - started) * 1000
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    return Reply(url, response.status_code, parsed, content_type, response.headers, elapsed_ms)


# --- checks from the replies -------------------------------------------------------


def failed(name: str, reply: Reply, settings: Settings) -> Check:
    """A check failed by an HTTP error, with what the status means."""
    status = reply.status
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    if status < 400 and isinstance(error, dict) and isinstance(error.get("code"), int):
        status = error["code"]
    return Check.of(
        name, "fail", explain_status(status, reply.error_detail(), reply.headers, settings)
    )


def reachability_check(settings: Settings, *replies: Reply) -> Check:
    for reply in replies:
        if reply.failure is not None:
            return Check.of("reachability", "fail", reply.failure)
    for reply in replies:
        if not reply.is_json:
            if reply.status >= 500:
                return failed("reachability", reply, settings)
            text = catalog.say(
                "reachability.not_json",
                url=reply.url,
                status=reply.status,
                content_type=reply.content_type or "no content type",
            )
            return Check.of("reachability", "fail", text)
    host = urlsplit(settings.base_url).hostname
    fastest = min(reply.elapsed_ms for reply in replies)
    return Check.of(
        "reachability", "pass", catalog.say("reachability.ok", host=host, ms=round(fastest))
    )


def key_check(settings: Settings, reply: Reply) -> tuple[Check, dict[str, Any] | None]:
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if reply.status != 200:
        return failed("key", reply, settings), None
    if not isinstance(data, dict):
        return Check.of("key", "fail", catalog.say("key.unexpected", url=reply.url)), None
    label = redact(str(data.get("label") or "no label"), settings.api_key)
    if data.get("is_management_key"):
        return Check.of("key", "fail", catalog.say("key.management")), data
    expires = _parse_time(data.get("expires_at"))
    if expires is not None:
        days = math.ceil((expires - datetime.now(timezone.utc)).total_seconds() / 86400)
        date = expires.date().isoformat()
        values = {"label": label, "date": date, "days": days, "environment": settings.environment}
        if days <= 0:
            return Check.of("key", "fail", catalog.say("key.expired", **values)), data
        if days <= catalog.EXPIRY_WARNING_DAYS:
            return Check.of("key", "warn", catalog.say("key.expiring", **values)), data
    return Check.of("key", "pass", catalog.say("key.ok", label=label)), data


def credits_check(settings: Settings, data: Mapping[str, Any] | None) -> Check:
    data = data or {}
    limit, remaining = _number(data.get("limit")), _number(data.get("limit_remaining"))
    policy = catalog.POLICY[settings.environment]
    values = {
        "environment": settings.environment,
        "limit": _usd(limit),
        "remaining": _usd(remaining),
        "credit_limit": policy.credit_limit,
    }
    if remaining is not None and remaining <= 0:
        return Check.of("credits", "fail", catalog.say("credits.exhausted", **values))
    if limit is None:
        return Check.of("credits", "warn", catalog.say("credits.no_limit", **values))
    if policy.limit_usd is not None and limit > policy.limit_usd:
        text = catalog.say("credits.above_policy", ceiling=_usd(policy.limit_usd), **values)
        return Check.of("credits", "warn", text)
    reset = data.get("limit_reset")
    text = catalog.say("credits.ok", reset=f", resets {reset}" if reset else "", **values)
    return Check.of("credits", "pass", text)


def model_check(settings: Settings, reply: Reply) -> Check:
    if reply.status == 404:
        return Check.of(
            "model",
            "fail",
            catalog.say("model.unknown", model=settings.model, environment=settings.environment),
        )
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if reply.status != 200 or not isinstance(data, dict):
        return failed("model", reply, settings)
    endpoints = data.get("endpoints")
    if not isinstance(endpoints, list) or not endpoints:
        return Check.of("model", "fail", catalog.say("model.unroutable", model=settings.model))
    return Check.of(
        "model", "pass", catalog.say("model.ok", model=settings.model, count=len(endpoints))
    )


def chat_check(settings: Settings, reply: Reply | None) -> Check:
    if reply is None:
        return Check.of("chat", "skip", catalog.say("chat.not_run", model=settings.model))
    if reply.failure is not None:
        return Check.of("chat", "fail", reply.failure)
    if reply.status == 200 and isinstance(reply.body, dict) and "error" not in reply.body:
        return Check.of("chat", "pass", catalog.say("chat.ok", model=settings.model))
    return failed("chat", reply, settings)


def skip(name: str, reason: catalog.MessageId) -> Check:
    return Check.of(name, "skip", catalog.say(reason))


def skip_rest(checks: list[Check], reason: catalog.MessageId) -> list[Check]:
    """The checks so far, then every remaining one skipped for the reason given."""
    done = {check.name for check in checks}
    return checks + [skip(name, reason) for name in catalog.CHECKS if name not in done]


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _usd(amount: float | None) -> str:
    return "unlimited" if amount is None else f"{amount:.2f}"


# --- output --------------------------------------------------------------------


_COLORS = {"pass": "32", "warn": "33", "fail": "31", "skip": "2"}


def render(outcome: Outcome, *, color: bool) -> str:
    """The human report: one line per check, its hint below, then the verdict."""
    environment, checks = outcome.environment, outcome.checks
    lines = [f"OpenRouter set-up for {environment}", ""]
    for check in checks:
        mark = check.status.upper()
        if color:
            mark = f"\033[{_COLORS[check.status]}m{mark}\033[0m"
        lines.append(f"  {mark}  {check.name:<14}{check.message}")
        if check.hint and check.status in ("warn", "fail"):
            lines.append(f"        {'':<14}hint: {check.hint}")
    warnings = sum(check.status == "warn" for check in checks)
    failures = sum(check.status == "fail" for check in checks)
    if outcome.status == 2:
        verdict = catalog.say("verdict.config")
    elif failures:
        verdict = catalog.say("verdict.fail", count=failures, environment=environment)
    elif warnings:
        verdict = catalog.say("verdict.warn", count=warnings, environment=environment)
    else:
        verdict = catalog.say("verdict.pass", environment=environment)
    lines += ["", verdict.message]
    return "\n".join(lines)


def _use_color() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


if __name__ == "__main__":
    sys.exit(main())
