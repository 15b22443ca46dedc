# Maintained by the OpenRouter app template: copier update replaces this file.
"""What a chat request sends besides its messages, and what its reply cost.

    stream = client.chat.completions.create(
        model=settings.model, messages=messages, stream=True, extra_body=chat_options(settings)
    )
    ...
    line = usage_line(last_chunk)  # "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI"

chat_options() turns the environment's settings into request fields:
max_completion_tokens (OPENROUTER_MAX_TOKENS), the models fallback list
(OPENROUTER_MODEL, then OPENROUTER_FALLBACK_MODELS) and the provider
preferences (OPENROUTER_PROVIDER_SORT, OPENROUTER_DATA_COLLECTION,
OPENROUTER_ZDR). usage_line() reads the usage OpenRouter sends with every
completion and on the last chunk of every stream.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from . import catalog
from .config import Settings


def chat_options(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """The request fields the settings ask for, as extra_body for the OpenAI SDK.

    Fields left unset are left out, so OpenRouter's defaults (and the account's
    settings) apply. Overrides replace fields: chat_options(settings, max_completion_tokens=16).
    """
    options: dict[str, Any] = {"max_completion_tokens": settings.max_tokens}
    if settings.fallback_models:
        options["models"] = list(dict.fromkeys((settings.model, *settings.fallback_models)))
    provider: dict[str, Any] = {}
    if settings.provider_sort is not None:
        provider["sort"] = settings.provider_sort
    if settings.data_collection is not None:
        provider["data_collection"] = settings.data_collection
    if settings.zdr is not None:
        provider["zdr"] = settings.zdr
    if provider:
        options["provider"] = provider
    return {**options, **overrides}


def usage_line(reply: object) -> str | None:
    """One line on what a reply cost: "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI".

    reply is a completion, a stream's last chunk (the one with usage), or either
    as parsed JSON. None when it carries no usage: nothing to print, nothing wrong.
    The model and provider come from the server: they are shown escaped if need be.
    """
    usage = _field(reply, "usage")
    prompt = _count(_field(usage, "prompt_tokens"))
    completion = _count(_field(usage, "completion_tokens"))
    if prompt is None or completion is None:
        return None
    parts = [f"{prompt} in", f"{completion} out"]
    cost = _field(usage, "cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool) and math.isfinite(cost):
        parts.append(usd(cost))
    model, provider = _field(reply, "model"), _field(reply, "provider")
    if isinstance(model, str) and model:
        served = catalog.printable(model)
        if isinstance(provider, str) and provider:
            served += f" via {catalog.printable(provider)}"
        parts.append(served)
    return ", ".join(parts)


def usd(amount: float) -> str:
    """A cost in USD: six decimals, more (up to ten) for a tiny non-zero amount."""
    digits = 6
    while digits < 10 and amount != 0 and round(abs(amount), digits) == 0:
        digits += 1
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):.{digits}f}"


def _field(value: object, name: str) -> Any:
    """A field of a response object (the SDK keeps OpenRouter's extra fields) or a mapping."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None) if value is not None else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value) if value >= 0 and value == int(value) else None
