# Maintained by the OpenRouter app template: copier update replaces this file.
"""Fixtures for every test here: yours (tests/) and the kit's (tests/openrouter/).

For your own tests, `openrouter`: a fake OpenRouter on 127.0.0.1 (no key, no
network) that the project is pointed at, through .env in the test's directory.
Change a setting for one test with monkeypatch.setenv: the process environment
wins over .env.

    from fake_server import FakeOpenRouter

    def test_my_app_asks_for_the_configured_model(openrouter: FakeOpenRouter) -> None:
        assert main(["Say hello"]) == 0
        assert openrouter.requests[-1].json()["model"] == load_settings().model

The fake's own methods make it misbehave on purpose: respond() answers a path
with a status and OpenRouter's error body, stream_error ends a stream with an
error chunk, and more (tests/openrouter/fake_server.py says what each does).

Every test runs in an empty directory with no OPENROUTER_* or OPENAI_*
variables set (`isolated`), so no real key is ever used, and without UV (which
`uv run` sets), so the commands hints name read the same however pytest ran. `fake`, `use_fake` and
`play` serve the kit's tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from my_openrouter_app.openrouter.config import DEFAULTS

from fake_server import FakeOpenRouter
from keys_scenarios import Scenario
from players import play as play_scenario


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run each test in an empty directory, with no OpenRouter or OpenAI variables set."""
    for name in list(os.environ):
        if name.startswith(("OPENROUTER_", "OPENAI_")) or name in ("APP_ENV", "BROWSER", "UV"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def openrouter(fake: FakeOpenRouter, use_fake: Callable[..., str]) -> FakeOpenRouter:
    """A fake OpenRouter that this project uses: .env holds its URL and a key it accepts."""
    use_fake()
    return fake


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
    """A fake OpenRouter serving the project's model; nothing points the project at it yet."""
    with FakeOpenRouter() as server:
        server.serve_model(DEFAULTS["OPENROUTER_MODEL"])
        yield server


@pytest.fixture
def use_fake(isolated: Path, fake: FakeOpenRouter) -> Callable[..., str]:
    """Point the project at the fake through .env; returns the key written there.

    Keyword arguments add or replace variables; the key defaults to a fresh one
    that the fake accepts.
    """

    def configure(**values: str) -> str:
        values = {
            "OPENROUTER_API_KEY": fake.add_key(),
            "OPENROUTER_BASE_URL": fake.base_url,
            **values,
        }
        text = "".join(f"{name}={value}\n" for name, value in values.items())
        (isolated / ".env").write_text(text, encoding="utf-8")
        return values["OPENROUTER_API_KEY"]

    return configure


@pytest.fixture
def play(
    isolated: Path, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Scenario], None]]:
    """Play a scenario of keys_scenarios: set it up, run its command in-process, check the row."""
    cleanups: list[Callable[[], None]] = []
    yield lambda scenario: play_scenario(scenario, isolated, fake, monkeypatch, cleanups)
    for cleanup in cleanups:
        cleanup()
