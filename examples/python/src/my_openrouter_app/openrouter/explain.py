# Maintained by the OpenRouter app template: copier update replaces this file.
"""What an error from OpenRouter or the network means for the user, and what to do about it.

verify, login and the starter all explain failures here, in the catalog's
words: an HTTP status with OpenRouter's own message, a connection that never
got an answer, an error in the middle of a stream.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

import httpx2
import openai

from . import catalog
from .config import DEFAULT_TIMEOUT, Settings, command, key_hash, redact


class AnswerTooLarge(openai.APIConnectionError):
    """The client stopped reading an answer (or a line of a stream) past catalog.MAX_ANSWER_BYTES."""

    def __init__(self, *, request: httpx2.Request) -> None:
        super().__init__(message="The answer is too large.", request=request)


def message_values(settings: Settings, **values: object) -> dict[str, object]:
    """The values every catalog message may use, for these settings, plus the given ones."""
    return {
        "environment": settings.environment,
        "host": urlsplit(settings.base_url).hostname or settings.base_url,
        "ca_variable": "SSL_CERT_FILE",
        "key_hash": key_hash(settings.api_key),
        **values,
    }


def explain_status(
    status: int,
    detail: str,
    headers: Mapping[str, str],
    settings: Settings,
    *,
    error: object = None,
) -> catalog.Text:
    """What an HTTP error from OpenRouter means, and what to do about it.

    error is OpenRouter's error object, when there is one: its message and
    metadata tell a data-policy 404 or a provider's 429 apart.
    """
    values = message_values(settings, status=status, detail=redact(detail, settings.api_key))
    said = _record(error)
    message = str(said.get("message") or "").lower()
    if 300 <= status < 400:
        return catalog.say("http.redirect", origin=_origin(headers, settings), **values)
    privacy = _record(said.get("availability")).get("code") == "privacy_restricted"
    if status == 404 and ("data policy" in message or privacy):
        return catalog.say("http.data_policy", **values)
    if status == 429:
        names = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
        sent = [f"{name}: {headers[name]}" for name in names if headers.get(name)]
        values["limits"] = "; ".join(sent) or "no Retry-After"
        retry_after = headers.get("Retry-After", "")
        provider = _record(said.get("metadata")).get("provider_name")
        # The provider's own limit, not OpenRouter's: it says who, or that it came from upstream.
        if provider or "upstream" in message:
            named = f" ({provider})" if isinstance(provider, str) else ""
            wait = _wait(retry_after, "a little while")
            return catalog.say("http.429_provider", provider=named, wait=wait, **values)
        return catalog.say("http.429", wait=_wait(retry_after, "a minute"), **values)
    if status >= 500:
        return catalog.say("http.5xx", **values)
    message_id = f"http.{status}"
    return catalog.say(message_id if catalog.is_message_id(message_id) else "http.other", **values)


def _record(value: object) -> dict[str, object]:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def _wait(retry_after: str, otherwise: str) -> str:
    return f"{retry_after} s" if retry_after.isdigit() else retry_after or otherwise


def _origin(headers: Mapping[str, str], settings: Settings) -> str:
    """Where a redirect pointed: the origin of its Location, read against the base URL."""
    location = headers.get("Location")
    if not location:
        return "an address it did not name"
    try:
        target = urlsplit(urljoin(settings.base_url, location.strip()))
    except ValueError:
        return "an address that is not a URL"
    return f"{target.scheme}://{target.netloc}" if target.netloc else location[:100]


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
    if isinstance(error, AnswerTooLarge):
        problem = "reachability.too_large"
    elif isinstance(error, openai.APITimeoutError):
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


def error_detail(body: object, fallback: str, *, secret: str = "") -> str:
    """OpenRouter's own words from an error body, on one line, cut to 300 characters.

    The key (secret) is masked first, wherever it appears: a cut made before
    that could keep part of an echoed key.
    """
    message = body.get("message") if isinstance(body, dict) else None
    text = message if isinstance(message, str) and message else fallback
    return redact(" ".join(text.split()), secret)[:300]


def explain(
    error: openai.APIError, settings: Settings, timeout: float = DEFAULT_TIMEOUT
) -> catalog.Text:
    """What any SDK error means for the user: HTTP status, network, mid-stream."""
    if isinstance(error, openai.APIConnectionError):
        return explain_connection_error(error, settings, timeout)
    if isinstance(error, openai.APIStatusError):
        reason = error.response.reason_phrase or "no details"
        detail = error_detail(error.body, reason, secret=settings.api_key)
        headers = error.response.headers
        return explain_status(error.status_code, detail, headers, settings, error=error.body)
    detail = error_detail(error.body, error.message, secret=settings.api_key)
    return catalog.say(
        "starter.stream_error", **message_values(settings, detail=redact(detail, settings.api_key))
    )


def explain_stream(error: Exception | None, settings: Settings) -> catalog.Text:
    """What it means when a streamed reply ends before the model finished.

    error is what reading the stream raised: the model's own error chunk, a
    connection cut mid-reply, or an event that is not JSON (a proxy, or not
    OpenRouter at all). None: the stream just ended, without the last chunk's
    finish_reason, so the connection was cut between events.
    """
    if isinstance(error, AnswerTooLarge) or (
        isinstance(error, openai.APIError) and not isinstance(error, openai.APIConnectionError)
    ):
        return explain(error, settings)
    values = message_values(settings, verify_command=command("verify"))
    if isinstance(error, ValueError):
        return catalog.say("starter.stream_malformed", **values)
    return catalog.say("starter.stream_cut", **values)
