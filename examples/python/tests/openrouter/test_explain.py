# Maintained by the OpenRouter app template: copier update replaces this file.
"""What the starter says about OpenRouter's limits (api_reference/limits.mdx), told apart:
OpenRouter's own rate limit, the free-model cap, the provider's limit, the key's own
credit limit, the account's balance and moderation."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from my_openrouter_app.openrouter.explain import _next_reset

import reference_starter as starter
from fake_server import CHAT, MODEL, FakeOpenRouter


def _starter_says(capsys: pytest.CaptureFixture[str]) -> str:
    assert starter.main(["Say hello"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    return err


def test_a_429_without_retry_after_waits_until_x_ratelimit_reset(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.rate_limit(reset_ms=int(time.time() * 1000) + 30_000)
    err = _starter_says(capsys)
    seconds = re.search(r"Wait (\d+) s \(until \d\d:\d\d:\d\d UTC, from X-RateLimit-Reset\)", err)
    assert seconds is not None, err
    assert 28 <= int(seconds[1]) <= 30


def test_retry_after_wins_over_x_ratelimit_reset(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.rate_limit(reset_ms=int(time.time() * 1000) + 300_000, retry_after=1)
    assert "Wait 1 s before trying again" in _starter_says(capsys)


def test_the_free_model_cap_says_how_it_is_lifted(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(OPENROUTER_MODEL=f"{MODEL}:free")
    fake.free_model_limit()
    err = _starter_says(capsys)
    assert "free-model limit" in err and "at least 10 USD of credits" in err
    assert f"the paid variant ({MODEL})" in err


def test_a_providers_429_blames_the_provider_and_suggests_fallbacks(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    fake.provider_rate_limit(provider="Together")
    err = _starter_says(capsys)
    assert "provider (Together)" in err and "not your key's" in err
    assert "OPENROUTER_FALLBACK_MODELS" in err


def test_a_403_for_the_keys_own_limit_is_not_moderation(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    key = use_fake()
    fake.key_limit_exceeded(reset="daily")
    err = _starter_says(capsys)
    assert "This key's own credit limit is used up (HTTP 403)" in err
    assert "It resets daily, next on" in err
    assert f"https://openrouter.ai/keys/{hashlib.sha256(key.encode()).hexdigest()}" in err
    assert "moderation" not in err and key not in err


def test_a_402_with_the_keys_limit_spent_is_the_keys_cap(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    key = use_fake()
    fake.keys[key]["limit_reset"] = "monthly"
    fake.exhaust_key(key)
    err = _starter_says(capsys)
    assert "own credit limit (10.00 USD) is used up (HTTP 402)" in err
    assert "It resets monthly, next on" in err
    assert "adding credits to the account does not lift it" in err
    assert fake.paths()[-1] == "/api/v1/key", "GET /key told the key's cap from the balance"


def test_a_402_with_room_on_the_key_is_the_accounts_balance(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    balance = "Insufficient credits. Add more using https://openrouter.ai/credits"
    fake.respond(CHAT, 402, error=balance)
    err = _starter_says(capsys)
    assert "Not enough credits (HTTP 402)" in err and "own credit limit" not in err


def test_a_moderation_403_stays_a_moderation_403(
    fake: FakeOpenRouter, use_fake: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake()
    flagged = "Your chosen model requires moderation and your input was flagged"
    fake.respond(CHAT, 403, error=flagged, metadata={"reasons": ["violence"]})
    err = _starter_says(capsys)
    assert "moderation" in err and "own credit limit" not in err


@pytest.mark.parametrize(
    ("period", "said"),
    [
        ("daily", "It resets daily, next on 2026-03-07 at 00:00 UTC"),
        ("weekly", "It resets weekly, next on 2026-03-09 at 00:00 UTC"),  # a Monday
        ("monthly", "It resets monthly, next on 2026-04-01 at 00:00 UTC"),
        (None, "It never resets by itself"),
        ("total", "It never resets by itself"),
        ("unknown", "It resets only if the key has a reset period"),
    ],
)
def test_when_a_keys_limit_resets(period: str | None, said: str) -> None:
    friday = datetime(2026, 3, 6, 23, 59, tzinfo=timezone.utc)  # a minute before midnight
    assert _next_reset(period, friday).startswith(said)
