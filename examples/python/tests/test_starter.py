"""The starter: python -m my_openrouter_app "prompt" streams one reply.

Like the starter, this file is yours: copier update never changes it, so these
tests keep describing your starter as you change it. The `openrouter` fixture
(tests/conftest.py) is a fake OpenRouter on 127.0.0.1 that the project is
pointed at: reuse it for your own tests. monkeypatch.setenv changes a setting
for one test, since the process environment wins over .env.
"""

from __future__ import annotations

import pytest

from my_openrouter_app.__main__ import main
from my_openrouter_app.openrouter import load_settings

from fake_server import FakeOpenRouter

CHAT = "/api/v1/chat/completions"
#: Well-formed, but no key the fake has issued.
UNKNOWN_KEY = "sk-or-v1-" + "0123456789abcdef" * 4


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_streams_the_reply_through_processing_comments(
    openrouter: FakeOpenRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "Say", "hello")
    assert (status, out) == (0, openrouter.reply + "\n")
    assert err.startswith("2 in, ") and ", $0.0" in err, "what the reply cost, on stderr"
    request = openrouter.requests[-1].json()
    assert request["stream"] is True
    assert request["model"] == load_settings().model
    assert request["messages"] == [{"role": "user", "content": "Say hello"}]
    assert request["max_completion_tokens"] == 1024, "bounded, so a small credit limit is enough"


def test_openrouter_max_tokens_bounds_the_reply(
    openrouter: FakeOpenRouter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_MAX_TOKENS", "64")
    assert run(capsys, "Say hello")[0] == 0
    assert openrouter.requests[-1].json()["max_completion_tokens"] == 64


def test_a_bad_max_tokens_is_a_configuration_error(
    openrouter: FakeOpenRouter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_MAX_TOKENS", "all of them")
    status, _, err = run(capsys, "Say hello")
    assert status == 2
    assert err.startswith("error: OPENROUTER_MAX_TOKENS (all of them)")
    assert openrouter.requests == []


def test_402_says_max_tokens_can_be_lowered(
    openrouter: FakeOpenRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    openrouter.affordable_tokens = 27
    status, _, err = run(capsys, "Say hello")
    assert status == 1
    assert "HTTP 402" in err and "OPENROUTER_MAX_TOKENS" in err
    assert err.count("\n") == 1


def test_a_mid_stream_error_ends_with_one_clear_line(
    openrouter: FakeOpenRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    openrouter.stream_error = "Provider disconnected"
    status, out, err = run(capsys, "Say hello")
    assert status == 1
    assert out.startswith(openrouter.reply.split(" ")[0])
    assert err.count("\n") == 1
    assert "mid-reply: Provider disconnected" in err


@pytest.mark.parametrize(
    ("status", "headers", "phrase"),
    [
        (402, {}, "settings/credits"),
        (429, {"Retry-After": "7", "x-should-retry": "false"}, "Retry-After: 7"),
        (503, {"x-should-retry": "false"}, "status.openrouter.ai"),
    ],
)
def test_http_errors_say_what_to_do(
    openrouter: FakeOpenRouter,
    capsys: pytest.CaptureFixture[str],
    status: int,
    headers: dict[str, str],
    phrase: str,
) -> None:
    openrouter.respond(CHAT, status, error="Something went wrong", headers=headers)
    code, out, err = run(capsys, "Say hello")
    assert code == 1
    assert err.startswith("error: ") and phrase in err
    assert "Traceback" not in err
    assert load_settings().api_key not in out + err


def test_an_invalid_key_gets_the_checklist_never_the_key(
    openrouter: FakeOpenRouter,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", UNKNOWN_KEY)
    status, out, err = run(capsys, "Say hello")
    assert status == 1
    assert "HTTP 401" in err and "revoked" in err
    assert UNKNOWN_KEY not in out + err


def test_a_missing_key_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "Say hello")
    assert status == 2
    assert "OPENROUTER_API_KEY is not set" in err
    assert "settings/keys" in err


def test_an_unreachable_server_is_reported_as_such(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", UNKNOWN_KEY)
    monkeypatch.setenv("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")
    status, _, err = run(capsys, "Say hello")
    assert status == 1
    assert "connection refused" in err
