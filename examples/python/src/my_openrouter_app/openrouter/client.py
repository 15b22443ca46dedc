# Maintained by the OpenRouter app template: copier update replaces this file.
"""The one place that builds OpenAI SDK clients pointed at OpenRouter.

The starter, verify and the tests all get their client here, so what verify
proves about the configuration holds for the app too. What the client's errors
mean for the user is explain.py's job.

Beyond the base URL, the key and the attribution headers, the client guards
what crosses the network, whatever the environment holds:

- no OPENAI_* variable reaches OpenRouter: the SDK turns OPENAI_ORG_ID,
  OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS into headers on every request,
  and the client takes them off again (Authorization is always this key);
- a redirect is never followed: OpenRouter's API does not redirect, so one
  comes from a wrong base URL or a proxy, and following it would send the
  request somewhere else (explain.py reports where it pointed);
- an answer is read up to catalog.MAX_ANSWER_BYTES (a JSON body, or one line
  of a stream), and a compressed one is never inflated past that: a server
  cannot make the app buffer gigabytes.

The SDK's own options (timeout, max_retries, http_client, default_query...)
pass through: create_client(settings, timeout=30, max_retries=5). A client
built with an http_client of the caller's keeps its proxy and TLS settings and
gets the guards too; the base URL, the key and the attribution headers are
always the settings' (default_headers adds headers, never replaces those).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import ssl
import unicodedata
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, NoReturn
from urllib.parse import quote

import httpx2
import openai

from . import catalog
from .config import DEFAULT_TIMEOUT, Problem, Settings, describe_key_problem, key_problem
from .explain import AnswerTooLarge

_NON_HEADER = re.compile(r"[^\x21-\x7e]")
# Headers the SDK builds from OPENAI_ORG_ID and OPENAI_PROJECT_ID.
_OPENAI_HEADERS = ("OpenAI-Organization", "OpenAI-Project")
# Encodings the client inflates itself, within the bound; any other arrives as it was sent.
_INFLATABLE = ("gzip", "x-gzip", "deflate")
_INFLATE_STEP = 64 * 1024
_LINE_BREAK = re.compile(rb"\r\n?|\n")


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


def parse_json(content: bytes) -> Any:
    """A JSON answer as the project reads it, or None if it is not JSON (or not UTF-8).

    NaN and Infinity are not JSON: an answer holding them is malformed. A number
    that is not below catalog.LARGEST_NUMBER (1e400, 400 digits) reads as None.
    """
    try:
        return json.loads(
            content.decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_float=lambda text: _finite(float(text)),
            parse_int=_whole,
        )
    except (ValueError, RecursionError):  # a UnicodeDecodeError is a ValueError too
        return None


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) and abs(number) < catalog.LARGEST_NUMBER else None


def _whole(text: str) -> int | None:
    if len(text.lstrip("-")) > 16:  # past the bound anyway; int() refuses thousands of digits
        return None
    number = int(text)
    return number if abs(number) < catalog.LARGEST_NUMBER else None


# What the settings decide, whatever the caller passes.
_SETTINGS_OPTIONS = ("api_key", "base_url")

Hooks = dict[str, list[Callable[..., Any]]]


def _client_options(settings: Settings, options: dict[str, Any]) -> dict[str, Any]:
    """What both clients are built with: the caller's SDK options, then the settings'.

    Problem for an unusable key; TypeError for an option the settings decide.
    """
    taken = [name for name in _SETTINGS_OPTIONS if name in options]
    if taken:
        raise TypeError(f"{', '.join(taken)}: set by the settings (OPENROUTER_*), not an option")
    problem = key_problem(settings.api_key)
    if problem:
        raise Problem(describe_key_problem(settings, problem))
    # Authorization too, so that no OPENAI_CUSTOM_HEADERS line can replace the key.
    headers = {
        **(options.get("default_headers") or {}),
        **attribution_headers(settings),
        "Authorization": f"Bearer {settings.api_key}",
    }
    return {
        "timeout": DEFAULT_TIMEOUT,
        **options,
        "api_key": settings.api_key,
        "base_url": settings.base_url,
        "default_headers": headers,
    }


def _guarded(client: httpx2.Client | httpx2.AsyncClient, hooks: Hooks) -> None:
    """The guards, added to an HTTP client the caller built: no redirects, bounded answers."""
    client.follow_redirects = False
    client.event_hooks = {
        name: [*client.event_hooks.get(name, []), *added] for name, added in hooks.items()
    }


def _unwanted_headers(ours: Iterable[str]) -> frozenset[str]:
    """The headers the SDK adds from OPENAI_* variables, lowercase, except the ones we set.

    OPENAI_CUSTOM_HEADERS is read as the SDK reads it: "Name: value" lines.
    """
    lines = os.environ.get("OPENAI_CUSTOM_HEADERS", "").split("\n")
    custom = [line.partition(":")[0].strip() for line in lines if ":" in line]
    keep = {name.lower() for name in ours}
    return frozenset(name.lower() for name in (*_OPENAI_HEADERS, *custom) if name) - keep


class _Guard:
    """What the client does to every request and answer (see the module's docstring)."""

    def __init__(self, ours: Iterable[str]) -> None:
        self.unwanted = _unwanted_headers(ours)

    def request(self, request: httpx2.Request) -> None:
        for name in self.unwanted:
            request.headers.pop(name, None)
        request.headers["Accept-Encoding"] = "gzip, deflate"

    def response(self, response: httpx2.Response) -> None:
        if isinstance(response.stream, httpx2.SyncByteStream):
            response.stream = _BoundedStream(response.stream, _Bound(response))

    async def async_request(self, request: httpx2.Request) -> None:
        self.request(request)

    async def async_response(self, response: httpx2.Response) -> None:
        if isinstance(response.stream, httpx2.AsyncByteStream):
            response.stream = _AsyncBoundedStream(response.stream, _Bound(response))


class _Bound:
    """Inflates an answer if it is compressed, and counts it: AnswerTooLarge past the bound.

    A stream of events is bounded per line, any other answer as a whole.
    """

    def __init__(self, response: httpx2.Response) -> None:
        # From here on the client inflates the body (or leaves it as sent), not httpx.
        encoding = response.headers.pop("Content-Encoding", "").strip().lower()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        self._request = response.request
        # 32 + 15: a gzip or a zlib header, whichever the body starts with.
        inflate = encoding in _INFLATABLE
        self._inflater = zlib.decompressobj(32 + zlib.MAX_WBITS) if inflate else None
        self._by_line = content_type == "text/event-stream"
        self._size = 0  # of the body, or of the line so far

    def pieces(self, chunk: bytes) -> Iterator[bytes]:
        for piece in self._inflated(chunk):
            self._count(piece)
            yield piece

    def _count(self, piece: bytes) -> None:
        if self._by_line:
            # The line so far goes on in the first part; the last part starts a new line.
            first, *ended = _LINE_BREAK.split(piece)
            lengths = [self._size + len(first), *(len(line) for line in ended)]
            self._size = lengths[-1]
        else:
            self._size += len(piece)
            lengths = [self._size]
        if max(lengths) > catalog.MAX_ANSWER_BYTES:
            raise AnswerTooLarge(request=self._request)

    def _inflated(self, chunk: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            yield chunk
            return
        try:
            while chunk:
                # A step at a time: a bomb is stopped after the first step past the bound.
                yield self._inflater.decompress(chunk, _INFLATE_STEP)
                chunk = self._inflater.unconsumed_tail
        except zlib.error as error:
            raise httpx2.DecodingError(f"malformed compressed answer: {error}") from error


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, raw: httpx2.SyncByteStream, bound: _Bound) -> None:
        self._raw, self._bound = raw, bound

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._raw:
            yield from self._bound.pieces(chunk)

    def close(self) -> None:
        self._raw.close()


class _AsyncBoundedStream(httpx2.AsyncByteStream):
    def __init__(self, raw: httpx2.AsyncByteStream, bound: _Bound) -> None:
        self._raw, self._bound = raw, bound

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._raw:
            for piece in self._bound.pieces(chunk):
                yield piece

    async def aclose(self) -> None:
        await self._raw.aclose()


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's certificates, loaded once per process rather than once per client (~20 ms)."""
    return httpx2.create_ssl_context()


def create_client(settings: Settings, **options: Any) -> openai.OpenAI:
    """An OpenAI client for OpenRouter; options are openai.OpenAI's own (timeout, max_retries...).

    Raises Problem for an unusable key.
    """
    built = _client_options(settings, options)
    guard = _Guard(built["default_headers"])
    hooks: Hooks = {"request": [guard.request], "response": [guard.response]}
    if built.get("http_client") is None:
        built["http_client"] = openai.DefaultHttpxClient(
            verify=_tls(), follow_redirects=False, event_hooks=hooks
        )
    else:
        _guarded(built["http_client"], hooks)
    return openai.OpenAI(**built)


def create_async_client(settings: Settings, **options: Any) -> openai.AsyncOpenAI:
    """An AsyncOpenAI client for OpenRouter; options are openai.AsyncOpenAI's own.

    Raises Problem for an unusable key.
    """
    built = _client_options(settings, options)
    guard = _Guard(built["default_headers"])
    hooks: Hooks = {"request": [guard.async_request], "response": [guard.async_response]}
    if built.get("http_client") is None:
        built["http_client"] = openai.DefaultAsyncHttpxClient(
            verify=_tls(), follow_redirects=False, event_hooks=hooks
        )
    else:
        _guarded(built["http_client"], hooks)
    return openai.AsyncOpenAI(**built)
