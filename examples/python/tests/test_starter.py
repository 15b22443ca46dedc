"""The starter: python -m my_openrouter_app "prompt" streams one reply."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from my_openrouter_app.__main__ import (
    main,
)
from my_openrouter_app.config import (
    DEFAULTS,
)

from fake_openrouter import FakeOpenRouter, new_key


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_streams_the_reply_through_processing_comments(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    status, out, err = run(capsys, "Say", "hello")
    assert (status, out, err) == (0, fake.reply + "\n", "")
    request = fake.requests[-1].json()
    assert request["stream"] is True
    assert request["model"] == DEFAULTS["OPENROUTER_MODEL"]
    assert request["messages"] == [{"role": "user", "content": "Say hello"}]


def test_a_mid_stream_error_ends_with_one_clear_line(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.stream_error = "Provider disconnected"
    status, out, err = run(capsys, "Say hello")
    assert status == 1
    assert out.startswith(fake.reply.split(" ")[0])
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
    fake: FakeOpenRouter,
    use_fake: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
    status: int,
    headers: dict[str, str],
    phrase: str,
) -> None:
    key = use_fake()
    fake.respond("/api/v1/chat/completions", status, error="Something went wrong", headers=headers)
    code, out, err = run(capsys, "Say hello")
    assert code == 1
    assert err.startswith("error: ") and phrase in err
    assert "Traceback" not in err
    assert key not in out + err


def test_an_invalid_key_gets_the_checklist_never_the_key(
    use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    key = use_fake(OPENROUTER_API_KEY=new_key())
    status, out, err = run(capsys, "Say hello")
    assert status == 1
    assert "HTTP 401" in err and "revoked" in err
    assert key not in out + err


def test_a_missing_key_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "Say hello")
    assert status == 2
    assert "OPENROUTER_API_KEY is not set" in err
    assert "settings/keys" in err


def test_an_unreachable_server_is_reported_as_such(
    use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(OPENROUTER_BASE_URL="http://127.0.0.1:9/api/v1")
    status, _, err = run(capsys, "Say hello")
    assert status == 1
    assert "connection refused" in err
