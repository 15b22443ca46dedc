"""Fixtures: a fake OpenRouter on 127.0.0.1, and a clean, empty project directory."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from my_openrouter_app.config import (
    DEFAULTS,
)

from fake_openrouter import FakeOpenRouter


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run each test in an empty directory, with no OpenRouter or OpenAI variables set."""
    for name in list(os.environ):
        if name.startswith(("OPENROUTER_", "OPENAI_")) or name in ("APP_ENV", "BROWSER"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
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
