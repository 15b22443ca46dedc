# Maintained by the OpenRouter app template: copier update replaces this file.
"""Check an environment's OpenRouter set-up: python -m <package>.openrouter.verify [--env NAME].

Three offline checks come first (config, key_format, base_url); if they pass,
the requests behind the other five are sent together, so the whole run costs
about one round trip: GET /key (reachability, key, credits), GET /model and,
for a concrete model, its endpoints (model), and with --chat a 16-token
completion (chat).

Exit status: 0 every check passed or warned, 1 a check failed, 2 the
configuration or the command line is unusable (nothing was sent).

A command line second: run(settings) checks settings already loaded and prints
the same report, for login and keys to check the key they just saved.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal, NoReturn
from urllib.parse import quote, urlsplit

import httpx2
import openai

from . import catalog, envfile
from .chat import chat_options
from .client import create_async_client, parse_json
from .config import (
    DEFAULT_ENVIRONMENT,
    ENVIRONMENTS,
    PROCESS_ENVIRONMENT,
    Problem,
    Settings,
    command,
    describe_key_problem,
    key_hash,
    key_problem,
    load_settings,
    mask,
    print_out,
    redact,
)
from .explain import error_detail, explain_connection_error, explain_status, message_values

Status = Literal["pass", "warn", "fail", "skip"]
MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY"
_MAX_PAGES = 20  # of the guardrail lists, 50 a page
LOOPBACK = ("localhost", "127.0.0.1", "::1")
#: Seconds verify waits for OpenRouter unless told otherwise (--timeout).
DEFAULT_TIMEOUT = 10.0


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: Status
    message: str
    hint: str | None = None
    #: The model check's: each model checked (the model, then its fallbacks), for --json.
    models: list[dict[str, Any]] | None = None

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

    @property
    def is_redirect(self) -> bool:
        return self.failure is None and 300 <= self.status < 400

    def error_detail(self, secret: str = "") -> str:
        """OpenRouter's own words about an error, on one line, the key (secret) masked."""
        error = self.body.get("error") if isinstance(self.body, dict) else None
        fallback = (
            f"a {self.content_type or 'non-JSON'} answer" if self.body is None else "no details"
        )
        return error_detail(error, fallback, secret=secret)


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
            "checks": [_entry(check) for check in self.checks],
            "key": _reported(self.key_info, self.api_key),
        }


def _entry(check: Check) -> dict[str, Any]:
    """A check in --json: name, status, message, hint (and the model check's models)."""
    entry = asdict(check)
    if check.models is None:
        del entry["models"]
    return entry


class UsageError(Exception):
    """A bad command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    least, most = catalog.TIMEOUT_RANGE
    parser = _Parser(
        prog=command("verify"),
        allow_abbrev=False,
        description="Check that this project can use OpenRouter, and say what to fix if not.",
    )
    parser.add_argument("--env", help=f"environment to check: {', '.join(ENVIRONMENTS)}")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--chat",
        action="store_true",
        help=f"also send a {catalog.CHAT_CHECK_TOKENS}-token completion (spends credit)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up after this many seconds, from {least:g} to {most:g} (default: 10)",
    )
    args = parser.parse_args(argv)
    if not least <= args.timeout <= most:  # NaN is in no range
        raise UsageError(catalog.say("usage.timeout", least=f"{least:g}", most=f"{most:g}").message)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run verify; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    as_json = "--json" in argv
    try:
        args = parse_args(argv)
    except UsageError as error:
        if not as_json:
            print(f"{command('verify')}: error: {error} (see --help)", file=sys.stderr)
            return 2
        environment = os.environ.get("APP_ENV") or DEFAULT_ENVIRONMENT
        config = Check("config", "fail", f"Bad command line: {error}")
        chat = "--chat" in argv
        return report(Outcome(environment, skip_rest([config], "skip.preflight", chat), 2), as_json)
    try:
        settings = load_settings(args.env)
    except Problem as error:
        environment = args.env or os.environ.get("APP_ENV") or DEFAULT_ENVIRONMENT
        config = Check.of("config", "fail", error.text)
        outcome = Outcome(environment, skip_rest([config], "skip.preflight", args.chat), 2)
    else:
        outcome = asyncio.run(run_checks(settings, timeout=args.timeout, chat=args.chat))
    return report(outcome, as_json)


def run(
    settings: Settings,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    chat: bool = False,
    as_json: bool = False,
) -> int:
    """Check these settings and print the report, as the command does; returns the exit status."""
    return report(asyncio.run(run_checks(settings, timeout=timeout, chat=chat)), as_json)


def report(outcome: Outcome, as_json: bool) -> int:
    """Print the outcome, as one JSON object or for people; returns its exit status."""
    if as_json:
        output = json.dumps(outcome.to_json(), ensure_ascii=False, allow_nan=False)
    else:
        output = render(outcome, color=_use_color())
    # Nothing above prints the key; this is the last safeguard.
    unwritten = print_out(redact(output, outcome.api_key))
    return outcome.status if unwritten is None else unwritten


async def run_checks(settings: Settings, *, timeout: float, chat: bool) -> Outcome:
    """Run the checks for these settings."""
    checks = [
        config_check(settings),
        key_format_check(settings),
        base_url_check(settings),
    ]
    outcome = Outcome(settings.environment, checks, 0, api_key=settings.api_key)
    if any(check.status == "fail" for check in checks):
        outcome.checks, outcome.status = skip_rest(checks, "skip.preflight", chat), 2
        return outcome

    replies = await send_requests(settings, timeout, chat)
    reachability = reachability_check(settings, *replies.all_but_chat())
    checks.append(reachability)
    if reachability.status == "fail":
        outcome.checks, outcome.status = skip_rest(checks, "skip.unreachable", chat), 1
        return outcome

    key, outcome.key_info = key_check(settings, replies.key)
    if key.status != "fail" and replies.guardrail is not None:
        key = guardrail_check(settings, key, replies.guardrail)
    checks.append(key)
    if key.status == "fail":
        checks.append(skip("credits", "skip.key_failed"))
    else:
        checks.append(credits_check(settings, outcome.key_info))
    checks += [
        models_check(settings, replies),
        chat_check(settings, replies.chat, outcome.key_info),
    ]
    outcome.status = 1 if any(check.status == "fail" for check in checks) else 0
    return outcome


# --- offline checks ---------------------------------------------------------


def config_check(settings: Settings) -> Check:
    found = catalog.say(
        "config.ok" if settings.api_key else "config.no_key",
        environment=settings.environment,
        selected_by=settings.selected_by,
        files=", ".join(settings.files_read) or "no env file",
        key_source=settings.key_source,
    )
    keys: dict[str, str] = {}
    for path in (settings.directory / f".env.{environment}" for environment in ENVIRONMENTS):
        try:
            key = (envfile.read(path) or {}).get("OPENROUTER_API_KEY")
        except Problem:
            continue  # another environment's file: its own verify run reports it
        if key:
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
    warnings += attribution_warnings(settings)
    if settings.files_left_readable:
        readable = " and ".join(settings.files_left_readable)
        warnings.append(catalog.say("envfile.not_private", files=readable))
    notes = []  # already fixed: news, not a warning
    if settings.files_made_private:
        made_private = ", ".join(settings.files_made_private)
        notes.append(catalog.say("config.made_private", files=made_private))
    return Check.of("config", "warn" if warnings else "pass", found, *notes, *warnings)


def attribution_warnings(settings: Settings) -> list[catalog.Text]:
    """What makes OpenRouter attribute the app wrongly, or drop its categories."""
    warnings = []
    try:
        host = (urlsplit(settings.http_referer.strip()).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if any(host == name or host.endswith(f".{name}") for name in catalog.PLACEHOLDER_HOSTS):
        text = catalog.say(
            "config.placeholder_referer",
            referer=settings.http_referer,
            environment=settings.environment,
        )
        warnings.append(text)
    categories = [part.strip() for part in settings.app_categories.split(",") if part.strip()]
    unknown = [category for category in categories if category not in catalog.APP_CATEGORIES]
    if unknown:
        known = ", ".join(catalog.APP_CATEGORIES)
        warnings.append(
            catalog.say("config.unknown_category", categories=", ".join(unknown), known=known)
        )
    if len(categories) > catalog.MAX_CATEGORIES:
        most = catalog.MAX_CATEGORIES
        warnings.append(catalog.say("config.too_many_categories", count=len(categories), most=most))
    return warnings


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


@dataclass
class Replies:
    """What the requests got: GET /key, GET /model, the endpoints of a concrete model, the chat."""

    key: Reply
    model: Reply
    endpoints: Reply | None
    chat: Reply | None
    #: GET /model and the endpoints of each fallback model, in order.
    fallbacks: list[tuple[Reply, Reply | None]] = field(default_factory=list)
    #: The key's guardrail, when OPENROUTER_MANAGEMENT_KEY is set too.
    guardrail: Guardrail | None = None

    def all_but_chat(self) -> list[Reply]:
        """The replies that say whether OpenRouter is there at all."""
        looked_up = [self.key, self.model, self.endpoints]
        for found, endpoints in self.fallbacks:
            looked_up += [found, endpoints]
        return [reply for reply in looked_up if reply is not None]


def is_concrete(model: str) -> bool:
    """Whether a model id names one model, with providers of its own (not a router or ~alias)."""
    return not model.startswith(("openrouter/", "~"))


async def send_requests(settings: Settings, timeout: float, chat: bool) -> Replies:
    """GET /key, GET /model, a concrete model's endpoints and maybe a chat, concurrently.

    Everything ends within the timeout, even against a server that accepts the
    connection and never answers. SDK retries are off: verify reports, the app retries.
    Each fallback model (OPENROUTER_FALLBACK_MODELS) is looked up like the model, at once.
    """
    paths = {"key": "/key"}
    for index, name in enumerate((settings.model, *settings.fallback_models)):
        model = quote(name, safe="/:~")
        suffix = f".{index}" if index else ""  # the fallbacks: model.1, endpoints.1, ...
        paths[f"model{suffix}"] = f"/model/{model}"
        if is_concrete(name):
            # A :variant is served by its model's endpoints.
            paths[f"endpoints{suffix}"] = f"/models/{model.split(':')[0]}/endpoints"
    if chat:
        paths["chat"] = "/chat/completions"
    body = {
        "model": settings.model,
        "messages": [{"role": "user", "content": "Say OK."}],
        # What the app sends (fallbacks, provider preferences), with a 16-token reply.
        **chat_options(settings, max_completion_tokens=catalog.CHAT_CHECK_TOKENS),
    }
    management_key = read_management_key(settings)
    async with create_async_client(settings, timeout=timeout, max_retries=0) as client:
        requests = {"key": send(client, settings, timeout, "/key")}
        for name, path in paths.items():
            if name != "key":
                posted = body if name == "chat" else None
                requests[name] = send(client, settings, timeout, path, posted)
        tasks = {name: asyncio.ensure_future(request) for name, request in requests.items()}
        # With a management key, the key's guardrail too, in the same round trip.
        guarding = (
            asyncio.ensure_future(fetch_guardrail(settings, management_key, timeout))
            if management_key is not None
            else None
        )
        waiting: list[asyncio.Future[Any]] = [*tasks.values(), *([guarding] if guarding else [])]
        done, pending = await asyncio.wait(waiting, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        base_url = str(client.base_url)

    def result(name: str) -> Reply:
        task = tasks[name]
        if task in done:
            return task.result()
        timed_out = catalog.say(
            "reachability.timeout", **message_values(settings, timeout=f"{timeout:g}")
        )
        return Reply(base_url + paths[name].lstrip("/"), failure=timed_out)

    def optional(name: str) -> Reply | None:
        return result(name) if name in tasks else None

    fallbacks = [
        (result(f"model.{index}"), optional(f"endpoints.{index}"))
        for index in range(1, len(settings.fallback_models) + 1)
    ]
    replies = Replies(
        result("key"), result("model"), optional("endpoints"), optional("chat"), fallbacks
    )
    if guarding is not None:
        late = Guardrail(failure=f"no answer within {timeout:g} s")
        replies.guardrail = guarding.result() if guarding in done else late
    return replies


@dataclass
class Guardrail:
    """The guardrail the key is assigned to (data), none (both None), or why it is not known."""

    data: dict[str, Any] | None = None
    failure: str | None = None


def read_management_key(settings: Settings) -> str | None:
    """OPENROUTER_MANAGEMENT_KEY from the process environment or .env, if set and well-formed."""
    for source, values in settings.layers:
        if source in (PROCESS_ENVIRONMENT, ".env") and values.get(MANAGEMENT_KEY):
            key = values[MANAGEMENT_KEY]
            return None if key_problem(key) else key
    return None


async def fetch_guardrail(settings: Settings, management_key: str, timeout: float) -> Guardrail:
    """Which guardrail the key is assigned to, with the management key: the assignments and the
    guardrails are asked for together (one round trip), more pages only for large accounts."""
    digest = key_hash(settings.api_key)
    managed = dataclasses.replace(settings, api_key=management_key)
    async with create_async_client(managed, timeout=timeout, max_retries=0) as client:

        async def listed(path: str) -> tuple[list[dict[str, Any]], Reply]:
            found: list[dict[str, Any]] = []
            for _ in range(_MAX_PAGES):
                suffix = f"?offset={len(found)}" if found else ""
                reply = await send(client, managed, timeout, path + suffix)
                page = reply.body.get("data") if isinstance(reply.body, dict) else None
                if reply.status != 200 or not isinstance(page, list):
                    return found, reply
                found += [item for item in page if isinstance(item, dict)]
                total = reply.body.get("total_count")
                if not page or not isinstance(total, int) or len(found) >= total:
                    break
            return found, reply

        (assignments, first), (guardrails, second) = await asyncio.gather(
            listed("/guardrails/assignments/keys"), listed("/guardrails")
        )
        for reply in (first, second):
            if reply.status != 200:
                detail = reply.failure.message if reply.failure else reply.error_detail()
                status = f"HTTP {reply.status}: " if reply.status else ""
                return Guardrail(failure=redact(status + detail, management_key))
        ids = [a.get("guardrail_id") for a in assignments if a.get("key_hash") == digest]
        if not ids or not isinstance(ids[0], str):
            return Guardrail()
        found = next((g for g in guardrails if g.get("id") == ids[0]), None)
        if found is None:  # in another workspace
            reply = await send(client, managed, timeout, f"/guardrails/{quote(ids[0], safe='')}")
            data = reply.body.get("data") if isinstance(reply.body, dict) else None
            found = data if reply.status == 200 and isinstance(data, dict) else {"id": ids[0]}
        return Guardrail(found)


async def send(
    client: openai.AsyncOpenAI,
    settings: Settings,
    timeout: float,
    path: str,
    body: dict[str, Any] | None = None,
) -> Reply:
    """GET path, or POST the body there; the answer whatever its status."""
    url = str(client.base_url) + path.lstrip("/")
    started = time.perf_counter()
    try:
        if body is None:
            response = await client.get(path, cast_to=httpx2.Response)
        else:
            response = await client.post(path, cast_to=httpx2.Response, body=body)
    except openai.APIStatusError as error:
        response = error.response
    except openai.APIConnectionError as error:
        return Reply(url, failure=explain_connection_error(error, settings, timeout))
    elapsed_ms = (time.perf_counter() - started) * 1000
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    return Reply(
        url,
        response.status_code,
        parse_json(response.content),
        content_type,
        response.headers,
        elapsed_ms,
    )


# --- checks from the replies -------------------------------------------------------


def failed(
    name: str, reply: Reply, settings: Settings, key: Mapping[str, Any] | None = None
) -> Check:
    """A check failed by an HTTP error, with what the status means (key: what GET /key said)."""
    status = reply.status
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    if status < 300 and isinstance(error, dict) and isinstance(error.get("code"), int):
        status = error["code"]
    detail = reply.error_detail(settings.api_key)
    text = explain_status(status, detail, reply.headers, settings, error=error, key=key)
    return Check.of(name, "fail", text)


def reachability_check(settings: Settings, *replies: Reply) -> Check:
    for reply in replies:
        if reply.failure is not None:
            return Check.of("reachability", "fail", reply.failure)
    for reply in replies:
        if reply.is_redirect:
            return failed("reachability", reply, settings)
    for reply in replies:
        if not reply.is_json:
            if reply.status >= 500:
                return failed("reachability", reply, settings)
            if reply.content_type == "application/json":
                text = catalog.say("reachability.malformed", url=reply.url, status=reply.status)
                return Check.of("reachability", "fail", text)
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
    # is_provisioning_key is the deprecated name of the same flag.
    if data.get("is_management_key") is True or data.get("is_provisioning_key") is True:
        return Check.of("key", "fail", catalog.say("key.management")), data
    warnings = []
    expires = _parse_time(data.get("expires_at"))
    if expires is not None:
        days = math.ceil((expires - datetime.now(timezone.utc)).total_seconds() / 86400)
        values = message_values(settings, label=label, date=expires.date().isoformat(), days=days)
        if days <= 0:
            return Check.of("key", "fail", catalog.say("key.expired", **values)), data
        if days <= catalog.EXPIRY_WARNING_DAYS:
            warnings.append(catalog.say("key.expiring", **values))
    if data.get("is_free_tier") is True:
        warnings.append(catalog.say("key.free_tier"))
    if settings.environment == "production" and data.get("expires_at") is None:
        rotate = command("keys", "rotate", "--env", settings.environment)
        warnings.append(catalog.say("key.no_expiry", command=rotate))
    if warnings:
        return Check.of("key", "warn", *warnings), data
    return Check.of("key", "pass", catalog.say("key.ok", label=label)), data


def guardrail_check(settings: Settings, key: Check, guardrail: Guardrail) -> Check:
    """The key check, with what the key's guardrail means for it (OPENROUTER_MANAGEMENT_KEY set).

    A production key without a guardrail fails, and so does any key whose guardrail does not
    allow the configured model; a guardrail that could not be read is a warning.
    """
    guard = command("keys", "guard", "--env", settings.environment)
    status: Status = key.status
    if guardrail.failure is not None:
        text = catalog.say("key.guardrail_unknown", detail=guardrail.failure)
        status = "warn"
    elif guardrail.data is None:
        if settings.environment != "production":
            return key
        text = catalog.say("key.no_guardrail", environment=settings.environment, command=guard)
        status = "fail"
    else:
        name = str(guardrail.data.get("name") or guardrail.data.get("id"))
        allowed = guardrail.data.get("allowed_models")
        if isinstance(allowed, list) and allowed and settings.model not in allowed:
            values = {"name": name, "model": settings.model, "command": guard}
            text = catalog.say("key.unguarded_model", **values)
            status = "fail"
        else:
            text = catalog.say("key.guardrail", name=name)
    hints = " ".join(hint for hint in (key.hint, text.hint) if hint)
    return Check("key", status, f"{key.message} {text.message}", hints or None)


def credits_check(settings: Settings, data: Mapping[str, Any] | None) -> Check:
    data = data or {}
    limit, remaining = _number(data.get("limit")), _number(data.get("limit_remaining"))
    policy = catalog.POLICY[settings.environment]
    values = message_values(
        settings,
        limit=_usd(limit),
        remaining=_usd(remaining),
        credit_limit=policy.credit_limit,
    )
    daily, monthly = _number(data.get("usage_daily")), _number(data.get("usage_monthly"))
    spent = (
        [catalog.say("credits.usage", daily=_usd(daily), monthly=_usd(monthly))]
        if daily is not None and monthly is not None
        else []
    )
    if remaining is not None and remaining <= 0:
        return Check.of("credits", "fail", catalog.say("credits.exhausted", **values), *spent)
    if limit is None:
        return Check.of("credits", "warn", catalog.say("credits.no_limit", **values), *spent)
    if policy.limit_usd is not None and limit > policy.limit_usd:
        text = catalog.say("credits.above_policy", ceiling=_usd(policy.limit_usd), **values)
        return Check.of("credits", "warn", text, *spent)
    reset = data.get("limit_reset")
    reset_text = f", resets {reset}" if isinstance(reset, str) and reset else ""
    text = catalog.say("credits.ok", reset=reset_text, **values)
    return Check.of("credits", "pass", text, *spent)


_WORST: dict[Status, int] = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}


def models_check(settings: Settings, replies: Replies) -> Check:
    """The model check of the model and each fallback: the worst of them decides.

    Each one's own result is in the check's `models` list (--json); with no
    fallbacks the check is the model's own.
    """
    main = model_check(settings, replies.model, replies.endpoints)
    checks = [main]
    fallbacks = zip(settings.fallback_models, replies.fallbacks, strict=True)
    for fallback, (found, endpoints) in fallbacks:
        checks.append(model_check(settings, found, endpoints, model=fallback))
    status = max((check.status for check in checks), key=lambda status: _WORST[status])
    hints = [check.hint for check in checks if check.hint and check.status in ("warn", "fail")]
    models = (settings.model, *settings.fallback_models)
    return Check(
        "model",
        status,
        " ".join(check.message for check in checks),
        main.hint if len(checks) == 1 else " ".join(dict.fromkeys(hints)) or None,
        [_model_entry(model, check) for model, check in zip(models, checks, strict=True)],
    )


def _model_entry(model: str, check: Check) -> dict[str, Any]:
    """One model's result in the model check's `models` list."""
    return {
        "model": catalog.printable(model),
        "status": check.status,
        "message": check.message,
        "hint": check.hint,
    }


def model_check(
    settings: Settings, found: Reply, endpoints: Reply | None, *, model: str | None = None
) -> Check:
    """GET /model says whether OpenRouter knows the id; the endpoints, whether anyone serves it.

    Routers and ~aliases pass on GET /model alone: their own endpoint lists are
    empty. A :variant that GET /model does not know only warns, because
    OpenRouter resolves some of them only in a chat. Only endpoints whose
    status is 0 serve requests; a model to be removed (expiration_date) warns.
    model: a fallback's id (None: the settings' model).
    """
    fallback = model is not None
    model = settings.model if model is None else model
    if found.status == 404:
        if ":" in model:
            text = catalog.say("model.variant_not_found", model=model)
            return Check.of("model", "warn", text)
        unknown: catalog.MessageId = "model.unknown_fallback" if fallback else "model.unknown"
        text = catalog.say(unknown, model=model, environment=settings.environment)
        return Check.of("model", "fail", text)
    data = found.body.get("data") if isinstance(found.body, dict) else None
    if found.status != 200 or not isinstance(data, dict):
        return failed("model", found, settings)
    target = data.get("alias_target")
    resolved = target.get("slug") if isinstance(target, dict) else None
    expiring = _expiring(settings, data)

    def passed(text: catalog.Text) -> Check:
        return Check.of("model", "warn" if expiring else "pass", text, *expiring)

    if model.startswith("openrouter/"):
        return passed(catalog.say("model.router", model=model))
    if isinstance(resolved, str) or endpoints is None:
        target_id = resolved if isinstance(resolved, str) else str(data.get("id") or model)
        return passed(catalog.say("model.alias", model=model, target=target_id))
    listed = endpoints.body.get("data") if isinstance(endpoints.body, dict) else None
    if endpoints.status == 200 and isinstance(listed, dict):
        providers = listed.get("endpoints")
        if isinstance(providers, list) and providers:
            working = sum(_is_working(provider) for provider in providers)
            if not working:
                text = catalog.say("model.down", model=model, listed=len(providers))
                return Check.of("model", "fail", text, *expiring)
            return passed(catalog.say("model.ok", model=model, count=working))
    elif endpoints.status != 404:
        return failed("model", endpoints, settings)
    # GET /model resolves slug aliases that have no endpoints of their own.
    canonical = data.get("id")
    if isinstance(canonical, str) and canonical.split(":")[0] != model.split(":")[0]:
        return passed(catalog.say("model.alias", model=model, target=canonical))
    return Check.of("model", "fail", catalog.say("model.unroutable", model=model))


def _is_working(endpoint: object) -> bool:
    """Whether a provider endpoint serves requests: its status (EndpointStatus) is 0.

    Every other value (-1, -2, -3, -5, -10) is an endpoint OpenRouter does not route to
    now; an endpoint without a status is taken as working.
    """
    if not isinstance(endpoint, dict):
        return False
    status = endpoint.get("status", 0)
    return status is None or status == 0


def _expiring(settings: Settings, data: Mapping[str, Any]) -> list[catalog.Text]:
    """The warning for a model OpenRouter is to remove (its expiration_date), if any."""
    date = data.get("expiration_date")
    if not isinstance(date, str) or not date.strip():
        return []
    values = {"model": settings.model, "date": date.strip()[:40]}
    return [catalog.say("model.expiring", environment=settings.environment, **values)]


def chat_check(
    settings: Settings, reply: Reply | None, key: Mapping[str, Any] | None = None
) -> Check:
    if reply is None:
        return not_run()
    if reply.failure is not None:
        return Check.of("chat", "fail", reply.failure)
    if reply.status == 200 and isinstance(reply.body, dict) and "error" not in reply.body:
        text = catalog.say("chat.ok", model=settings.model, tokens=catalog.CHAT_CHECK_TOKENS)
        return Check.of("chat", "pass", text)
    if reply.status == 200 and not reply.is_json:
        text = catalog.say("reachability.malformed", url=reply.url, status=reply.status)
        return Check.of("chat", "fail", text)
    return failed("chat", reply, settings, key)


def not_run() -> Check:
    """The chat check when --chat was not given: how to run it."""
    return Check.of("chat", "skip", catalog.say("chat.not_run", tokens=catalog.CHAT_CHECK_TOKENS))


def skip(name: str, reason: catalog.MessageId) -> Check:
    return Check.of(name, "skip", catalog.say(reason))


def skip_rest(checks: list[Check], reason: catalog.MessageId, chat: bool) -> list[Check]:
    """The checks so far, then every remaining one skipped for the reason given.

    Without --chat, the chat line says how to run it instead.
    """
    done = {check.name for check in checks}
    rest = [
        not_run() if name == "chat" and not chat else skip(name, reason)
        for name in catalog.CHECKS
        if name not in done
    ]
    return checks + rest


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _number(value: object) -> float | None:
    """A number the server sent (parse_json already dropped NaN, Infinity and huge ones)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _usd(amount: float | None) -> str:
    return "unlimited" if amount is None else f"{amount:.2f}"


def _reported(value: Any, api_key: str, depth: int = 0) -> Any:
    """What GET /key said, for --json: the key masked wherever it appears, every text
    printable, nesting bounded."""
    if isinstance(value, str):
        return catalog.printable(redact(value, api_key))
    if depth >= _MOST_NESTED:
        return None
    if isinstance(value, dict):
        return {
            catalog.printable(str(name)): _reported(item, api_key, depth + 1)
            for name, item in value.items()
        }
    if isinstance(value, list):
        return [_reported(item, api_key, depth + 1) for item in value]
    return value


_MOST_NESTED = 8


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
