# Maintained by the OpenRouter app template: copier update replaces this file.
"""chat_options() and usage_line(): what requests send, what replies cost, in the starter too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from my_openrouter_app.openrouter import (
    chat_options,
    load_settings,
    usage_line,
)

import reference_starter as starter
from fake_server import CHAT, MODEL, OPENAI_MODEL, FakeOpenRouter

FALLBACK = "anthropic/claude-haiku-4.5"


def test_chat_options_hold_only_what_is_set(isolated: object) -> None:
    assert chat_options(load_settings()) == {"max_completion_tokens": 1024}


def test_chat_options_carry_fallbacks_and_provider_preferences(
    monkeypatch: pytest.MonkeyPatch, isolated: object
) -> None:
    monkeypatch.setenv("OPENROUTER_MODEL", MODEL)
    monkeypatch.setenv("OPENROUTER_FALLBACK_MODELS", f" {FALLBACK} ,{OPENAI_MODEL}")
    monkeypatch.setenv("OPENROUTER_PROVIDER_SORT", "Throughput")
    monkeypatch.setenv("OPENROUTER_DATA_COLLECTION", "deny")
    monkeypatch.setenv("OPENROUTER_ZDR", "false")
    monkeypatch.setenv("OPENROUTER_MAX_TOKENS", "64")
    assert chat_options(load_settings(), max_completion_tokens=16) == {
        "max_completion_tokens": 16,
        "models": [MODEL, FALLBACK, OPENAI_MODEL],
        "provider": {"sort": "throughput", "data_collection": "deny", "zdr": False},
    }


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("OPENROUTER_PROVIDER_SORT", "cheapest", "price, throughput, latency"),
        ("OPENROUTER_DATA_COLLECTION", "maybe", "allow, deny"),
        ("OPENROUTER_ZDR", "yes", "true, false"),
        ("OPENROUTER_FALLBACK_MODELS", "a/b,,c/d", "comma-separated"),
        ("OPENROUTER_FALLBACK_MODELS", "a/b c/d", "comma-separated"),
    ],
)
def test_a_bad_setting_stops_the_starter_naming_it(
    openrouter: FakeOpenRouter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    allowed: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert starter.main(["Say hello"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {variable} ({value})") and allowed in err
    assert err.count("\n") == 1
    assert openrouter.requests == []


def test_usage_line_reads_a_completion_or_a_last_chunk() -> None:
    reply: dict[str, Any] = {
        "model": "openai/gpt-4o-mini",
        "provider": "OpenAI",
        "usage": {"prompt_tokens": 12, "completion_tokens": 48, "cost": 0.000123},
    }
    assert usage_line(reply) == "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI"
    reply["usage"]["cost"] = 0.0000000042
    assert usage_line(reply) == "12 in, 48 out, $0.000000004, openai/gpt-4o-mini via OpenAI"
    reply["usage"]["cost"] = 0
    assert usage_line(reply) == "12 in, 48 out, $0.000000, openai/gpt-4o-mini via OpenAI"
    del reply["provider"], reply["usage"]["cost"]
    assert usage_line(reply) == "12 in, 48 out, openai/gpt-4o-mini"


@pytest.mark.parametrize(
    "reply",
    [None, {}, {"usage": None}, {"usage": {"prompt_tokens": "12"}}, {"model": "a/b"}, object()],
)
def test_no_usage_is_no_line(reply: object) -> None:
    assert usage_line(reply) is None


def test_server_text_in_the_line_is_escaped() -> None:
    reply = {
        "model": "acme/\x1b[2Jmodel",
        "provider": "Evil\u202eCo",
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "cost": 0.5},
    }
    assert usage_line(reply) == "1 in, 2 out, $0.500000, acme/\\u001b[2Jmodel via Evil\\u202eCo"


def test_the_starter_prints_what_the_reply_cost(
    openrouter: FakeOpenRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    assert starter.main(["Say", "hello"]) == 0
    out, err = capsys.readouterr()
    words = len(openrouter.reply.split(" "))
    assert out == openrouter.reply + "\n"
    cost = f"${(2 + words) * 0.0000001:.6f}"
    assert err.startswith(f"2 in, {words} out, {cost}, {load_settings().model} via ")
    assert err.count("\n") == 1 and err.endswith("\n")


def test_the_starter_sends_fallbacks_and_names_the_model_that_answered(
    fake: FakeOpenRouter,
    use_fake: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.serve_model(FALLBACK)
    use_fake(
        OPENROUTER_MODEL=MODEL,
        OPENROUTER_FALLBACK_MODELS=FALLBACK,
        OPENROUTER_PROVIDER_SORT="price",
        OPENROUTER_ZDR="true",
    )
    fake.fail_model(MODEL)
    assert starter.main(["Say hello"]) == 0
    request = fake.requests[-1].json()
    assert request["model"] == MODEL and request["models"] == [MODEL, FALLBACK]
    assert request["provider"] == {"sort": "price", "zdr": True}
    assert "max_tokens" not in request and request["max_completion_tokens"] == 1024
    assert f", {FALLBACK} via " in capsys.readouterr().err


def test_a_stream_without_usage_prints_no_line(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    events = (
        b'data: {"choices": [{"delta": {"content": "Hi"}, "finish_reason": null}]}\n\n'
        b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    fake.respond(CHAT, body=events, content_type="text/event-stream")
    assert starter.main(["Say hello"]) == 0
    assert capsys.readouterr() == ("Hi\n", "")
