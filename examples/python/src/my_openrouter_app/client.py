"""The one place that builds OpenAI SDK clients pointed at OpenRouter.

The starter, verify and the tests all get their client here, so what verify
proves about the configuration holds for the app too.
"""

from __future__ import annotations

import re
import socket
import ssl
import unicodedata
from collections.abc import Mapping
from typing import TypedDict
from urllib.parse import quote, urlsplit

import openai

from . import catalog
from .config import LOGIN_COMMAND, ConfigError, Settings, describe_key_problem, key_problem, redact

#: Generous enough for a long streamed reply, short enough to notice a dead link.
DEFAULT_TIMEOUT = 120.0

_NON_HEADER = re.compile(r"[^\x21-\x7e]")


def header_text(text: str) -> str:
    """Text made safe for an HTTP header: accents stripped, other non-ASCII dropped.

    The SDKs send headers as ASCII and fail before sending anything otherwise.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    printable = "".join(c for c in decomposed if " " <= c <= "~")
    return " ".join(printable.split())


def header_url(url: str) -> str:
    """A URL made safe for an HTTP header: non-ASCII characters percent-encoded."""
    return _NON_HEADER.sub(lambda match: quote(match[0], safe=""), url.strip())


def attribution_headers(settings: Settings) -> dict[str, str]:
    """The headers OpenRouter uses to attribute requests to this app."""
    headers = {"HTTP-Referer": header_url(settings.http_referer)}
    title = header_text(settings.app_title)
    if title:
        headers["X-OpenRouter-Title"] = title
        headers["X-Title"] = title
    categories = [header_text(part) for part in settings.app_categories.split(",")]
    if any(categories):
        headers["X-OpenRouter-Categories"] = ",".join(c for c in categories if c)
    return headers


class _ClientOptions(TypedDict):
    api_key: str
    base_url: str
    default_headers: dict[str, str]
    timeout: float
    max_retries: int


def _client_options(settings: Settings, timeout: float, max_retries: int) -> _ClientOptions:
    """What both clients are built with; ConfigError for an unusable key."""
    problem = key_problem(settings.api_key)
    if problem:
        raise ConfigError(describe_key_problem(settings, problem))
    # Authorization too, so that no OPENAI_CUSTOM_HEADERS line can replace the key.
    headers = {**attribution_headers(settings), "Authorization": f"Bearer {settings.api_key}"}
    return _ClientOptions(
        api_key=settings.api_key,
        base_url=settings.base_url,
        default_headers=headers,
        timeout=timeout,
        max_retries=max_retries,
    )


def create_client(
    settings: Settings, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 2
) -> openai.OpenAI:
    """An OpenAI client for OpenRouter. Raises ConfigError for an unusable key."""
    return openai.OpenAI(**_client_options(settings, timeout, max_retries))


def create_async_client(
    settings: Settings, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 2
) -> openai.AsyncOpenAI:
    """An AsyncOpenAI client for OpenRouter. Raises ConfigError for an unusable key."""
    return openai.AsyncOpenAI(**_client_options(settings, timeout, max_retries))


def context(settings: Settings, **values: object) -> dict[str, object]:
    """Values every catalog text may use, plus the given ones."""
    return {
        "environment": settings.environment,
        "host": urlsplit(settings.base_url).hostname or settings.base_url,
        "login_command": LOGIN_COMMAND,
        "ca_variable": "SSL_CERT_FILE",
        **values,
    }


def explain_status(
    status: int, detail: str, headers: Mapping[str, str], settings: Settings
) -> catalog.Text:
    """What an HTTP error from OpenRouter means, and what to do about it."""
    values = context(settings, status=status, detail=redact(detail, settings.api_key))
    if status == 429:
        names = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
        sent = [f"{name}: {headers[name]}" for name in names if headers.get(name)]
        retry_after = headers.get("Retry-After", "")
        wait = f"{retry_after} s" if retry_after.isdigit() else retry_after or "a minute"
        return catalog.say(
            "http.429", limits="; ".join(sent) or "no Retry-After", wait=wait, **values
        )
    if status >= 500:
        return catalog.say("http.5xx", **values)
    if f"http.{status}" in catalog.MESSAGES:
        return catalog.say(f"http.{status}", **values)
    return catalog.say("http.other", **values)


def explain_connection_error(
    error: openai.APIConnectionError, settings: Settings, timeout: float
) -> catalog.Text:
    """What a failure to get any answer means: timeout, refused, DNS, TLS..."""
    causes: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in causes:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    detail = str(causes[-1]) or type(causes[-1]).__name__
    if isinstance(error, openai.APITimeoutError):
        problem = "reachability.timeout"
    elif any(isinstance(c, ssl.SSLError) for c in causes):
        problem = "reachability.tls"
    elif any(isinstance(c, socket.gaierror) for c in causes):
        problem = "reachability.dns"
    elif any(isinstance(c, ConnectionRefusedError) for c in causes):
        problem = "reachability.refused"
    else:
        problem = "reachability.network"
    return catalog.say(
        problem,
        **context(settings, timeout=f"{timeout:g}", detail=redact(detail, settings.api_key)),
    )


def error_detail(body: object, fallback: str) -> str:
    """OpenRouter's own words from an error body, on one line."""
    message = body.get("message") if isinstance(body, dict) else None
    text = message if isinstance(message, str) and message else fallback
    return " ".join(text.split())[:300]


def explain(
    error: openai.APIError, settings: Settings, timeout: float = DEFAULT_TIMEOUT
) -> catalog.Text:
    """What any SDK error means for the user: HTTP status, network, mid-stream."""
    if isinstance(error, openai.APIConnectionError):
        return explain_connection_error(error, settings, timeout)
    if isinstance(error, openai.APIStatusError):
        detail = error_detail(error.body, error.response.reason_phrase or "no details")
        return explain_status(error.status_code, detail, error.response.headers, settings)
    detail = error_detail(error.body, error.message)
    return catalog.say(
        "starter.stream_error", **context(settings, detail=redact(detail, settings.api_key))
    )
