"""Fixtures for the template's own tests: render projects, install them, run them.

Projects are rendered with pytest-copie from this repository's working tree, so
uncommitted changes are tested too; tests/harness.py installs and runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import Browser
from harness import (
    FakeOpenRouter,
    Project,
    install,
    new_key,
    project_at,
    provide_chromium,
    provide_node,
)

HOSTILE_TITLE = 'He said "it\'s" \\ {{ title }} {% raw %} </script> & ${HOME}'

# Answers every language is generated with in the matrix tests: hostile titles
# (quotes, backslashes, template syntax, non-Latin text), URLs with queries, subsets.
VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "hostile": {
        "app_title": HOSTILE_TITLE,
        "app_url": "https://example.com/app?ref=openrouter&utm_source=cli",
        "environments": ["production"],
        "app_categories": ["cli-agent", "general-chat"],
        "openrouter_api_key": new_key(),
    },
    "unicode": {
        "app_title": "Café Déjà Vu — 日本語 ✨ Ｆｕｌｌ",
        "environments": ["development", "staging"],
        "default_model": "meta-llama/llama-3.3-70b-instruct:free",
    },
    "every_quote": {
        "app_title": 'Tom\'s "Quote" `Tick` C:\\new\\table, with a title long enough to reach the 100-character limit',
        "app_url": "http://localhost:3000/chat",
        "environments": ["staging", "production"],
    },
    "no_ascii": {"app_title": "日本語アプリ", "project_slug": "nihongo"},
}


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """Node.js >= 22.18 for the TypeScript projects (see harness.provide_node)."""
    return provide_node()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Headless Chromium for the login tests (see harness.provide_chromium)."""
    return provide_chromium()


@pytest.fixture
def browser(chromium: Path, tmp_path: Path) -> Iterator[Browser]:
    """A $BROWSER for login: headless Chromium, each visit reported back (tests/browser.py)."""
    opened = Browser(chromium, tmp_path / "browser")
    yield opened
    opened.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--refresh-screenshots",
        action="store_true",
        help="copy the Python project's login page screenshots to docs/ (the README shows them)",
    )


def assert_streams_a_reply(project: Project, fake: FakeOpenRouter, command: list[str]) -> None:
    """The starter, run as the README says, streams the fake's reply with the right headers."""
    key = fake.add_key()
    fake.serve_model(project.answers["default_model"])
    env = {"OPENROUTER_API_KEY": key, "OPENROUTER_BASE_URL": fake.base_url}
    result = project.run(*command, env=env)
    assert result.stdout == fake.reply + "\n"
    headers = fake.requests[-1].headers
    assert headers["Authorization"] == f"Bearer {key}"
    assert headers["HTTP-Referer"] == project.answers.get("app_url", "https://example.com")
    title = headers.get("X-OpenRouter-Title")
    assert title is None or (title.isascii() and title == headers["X-Title"])
    assert fake.requests[-1].json()["model"] == project.answers["default_model"]


def render(copie: Any, language: str, **answers: Any) -> Project:
    result = copie.copy(extra_answers={"language": language, **answers})
    assert result.exit_code == 0, result.exception
    return project_at(result.project_dir, language, {**result.answers, **answers})


@pytest.fixture(scope="session")
def python_app(copie_session: Any) -> Project:
    """A Python project with the default answers, installed."""
    return install(render(copie_session, "python"))


@pytest.fixture(scope="session")
def typescript_app(copie_session: Any, node_bin: Path) -> Project:
    """A TypeScript project with the default answers, installed."""
    return install(render(copie_session, "typescript"), node_bin)


@pytest.fixture(params=["python", "typescript"])
def app(request: pytest.FixtureRequest) -> Project:
    """The default project of each language."""
    return request.getfixturevalue(f"{request.param}_app")


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter() as server:
        yield server
