"""The one place that builds OpenAI SDK clients pointed at OpenRouter.

The starter, verify and the tests all get their client here, so what verify
proves about the configuration holds for the app too. What the client's errors
mean for the user is explain.py's job.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypedDict
from urllib.parse import quote

import openai

from .config import DEFAULT_TIMEOUT, Problem, Settings, describe_key_problem, key_problem

# Starters generated before explain.py existed import explain from here.
from .explain import explain as explain

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
    """What both clients are built with; Problem for an unusable key."""
    problem = key_problem(settings.api_key)
    if problem:
        raise Problem(describe_key_problem(settings, problem))
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
    """An OpenAI client for OpenRouter. Raises Problem for an unusable key."""
    return openai.OpenAI(**_client_options(settings, timeout, max_retries))


def create_async_client(
    settings: Settings, *, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 2
) -> openai.AsyncOpenAI:
    """An AsyncOpenAI client for OpenRouter. Raises Problem for an unusable key."""
    return openai.AsyncOpenAI(**_client_options(settings, timeout, max_retries))
