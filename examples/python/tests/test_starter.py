"""The starter: python -m my_openrouter_app "prompt" streams one reply.

Like the starter, this file is yours: copier update never changes it, so these
tests keep describing your starter as you change it.
"""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

import pytest

from my_openrouter_app.__main__ import (
    main,
)
from my_openrouter_app.config import (
    DEFAULT_ENVIRONMENT,
    DEFAULTS,
    ENVIRONMENTS,
)

from fake_openrouter import CHAT, FakeOpenRouter, new_key
from hostile_inputs import ROWS, Project, Row, Setup, check, refuse


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
    assert request["max_tokens"] == 1024, "a bounded reply, so a small credit limit is enough"


def test_openrouter_max_tokens_bounds_the_reply(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(OPENROUTER_MAX_TOKENS="64")
    assert run(capsys, "Say hello")[0] == 0
    assert fake.requests[-1].json()["max_tokens"] == 64


def test_a_bad_max_tokens_is_a_configuration_error(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(OPENROUTER_MAX_TOKENS="all of them")
    status, _, err = run(capsys, "Say hello")
    assert status == 2
    assert err.startswith("error: OPENROUTER_MAX_TOKENS (all of them)")
    assert fake.requests == []


def test_402_says_max_tokens_can_be_lowered(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.affordable_tokens = 27
    status, _, err = run(capsys, "Say hello")
    assert status == 1
    assert "HTTP 402" in err and "OPENROUTER_MAX_TOKENS" in err
    assert err.count("\n") == 1


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


def test_a_gzip_bomb_ends_with_one_clear_line_in_bounded_memory(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.gzip_bomb(CHAT)  # 1 GiB once inflated
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    status, _, err = run(capsys, "Say hello")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert status == 1
    assert err.startswith("error: ") and "larger than 1 MiB" in err
    assert err.count("\n") == 1
    assert grown_kib < 32 * 1024, f"peak memory grew by {grown_kib} KiB"


def test_a_stream_line_past_1_mib_is_not_read(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    line = b'data: {"choices": [{"delta": {"content": "' + b"x" * (2 << 20) + b'"}}]}\n\n'
    fake.respond(CHAT, body=line, content_type="text/event-stream")
    status, out, err = run(capsys, "Say hello")
    assert status == 1
    assert "larger than 1 MiB" in err
    assert "xxxx" not in out


def test_a_redirect_is_reported_never_followed(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.redirect(CHAT)
    status, _, err = run(capsys, "Say hello")
    assert status == 1
    assert "redirected the request to http://localhost:" in err
    assert "rejected the key" not in err
    assert len(fake.requests) == 1


STARTER_ROWS = [row for row in ROWS if row.command == "start"]


@pytest.mark.parametrize("row", STARTER_ROWS, ids=[row.name for row in STARTER_ROWS])
def test_hostile_input_gets_one_clear_message_and_loses_nothing(
    row: Row, fake: FakeOpenRouter, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The starter's rows of the shared hostile-inputs table (hostile_inputs.py)."""
    setup = Setup(Project(DEFAULT_ENVIRONMENT, ENVIRONMENTS), fake, isolated)
    row.prepare(setup)

    def start() -> tuple[int, str, str]:
        with pytest.MonkeyPatch.context() as patch:  # undone before check() reads files back
            for name, value in setup.env.items():
                patch.setenv(name, value)
            refuse(patch, setup.unreadable, setup.unchangeable)
            return run(capsys, "Say hello", *setup.args)

    check(row, setup, start)
