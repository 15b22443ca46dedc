"""What an error from OpenRouter or the network means for the user, and what to do about it.

verify, login and the starter all explain failures here, in the catalog's
words: an HTTP status with OpenRouter's own message, a connection that never
got an answer, an error in the middle of a stream.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import openai

from . import catalog
from .config import DEFAULT_TIMEOUT, Settings, redact


def message_values(settings: Settings, **values: object) -> dict[str, object]:
    """The values every catalog message may use, for these settings, plus the given ones."""
    return {
        "environment": settings.environment,
        "host": urlsplit(settings.base_url).hostname or settings.base_url,
        "ca_variable": "SSL_CERT_FILE",
        **values,
    }


def explain_status(
    status: int, detail: str, headers: Mapping[str, str], settings: Settings
) -> catalog.Text:
    """What an HTTP error from OpenRouter means, and what to do about it."""
    values = message_values(settings, status=status, detail=redact(detail, settings.api_key))
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
    message_id = f"http.{status}"
    return catalog.say(message_id if catalog.is_message_id(message_id) else "http.other", **values)


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
    problem: catalog.MessageId
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
        **message_values(settings, timeout=f"{timeout:g}", detail=redact(detail, settings.api_key)),
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
        "starter.stream_error", **message_values(settings, detail=redact(detail, settings.api_key))
    )
