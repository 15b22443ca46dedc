"""Fixtures for the template's own tests: render projects, install them, run them.

Projects are rendered with pytest-copie from this repository's working tree, so
uncommitted changes are tested too; tests/harness.py installs and runs them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import copier
import jinja2
import pytest
import yaml

from browser import Browser
from harness import (
    CACHE,
    ROOT,
    FakeOpenRouter,
    Project,
    activate,
    exclusive,
    install,
    install_like,
    project_at,
    provide_chromium,
    provide_node,
)
from scenario_player import load_scenarios

# The commands the tests start get Ctrl-C as from a terminal (a Python handler is reset to the
# default in a new program; an ignored signal stays ignored): a shell starts background jobs with
# SIGINT ignored, and the tests that press Ctrl-C would wait for nothing.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def compile_each_template_once() -> None:
    """Each test process compiles a Jinja source once, not once per copy.

    copier makes a new Jinja environment for every copy and update, and Jinja keeps compiled
    templates per environment, so each of the suite's two hundred renders compiled every file,
    path part and question of the template again: three fifths of a copy's CPU. Compiled code
    depends only on the source, its name and what the environment's compiler reads (its
    class, syntax, extensions, settings, and the filters and tests it calls, with what each is
    passed), so it is kept per process under those, as Jinja's own bytecode cache keeps it by
    name and source: a template names the file it was first compiled from in tracebacks. The
    extensions' preprocess still runs each time: copier's yield extension resets its state there.
    """
    compile_anew = jinja2.Environment.compile
    compiled: dict[tuple[object, ...], Any] = {}
    compilers: weakref.WeakKeyDictionary[jinja2.Environment, tuple[object, ...]] = (
        weakref.WeakKeyDictionary()
    )

    def compiler(environment: jinja2.Environment) -> tuple[object, ...]:
        if environment not in compilers:
            compilers[environment] = (
                type(environment),
                tuple(sorted(environment.extensions)),
                *(getattr(environment, setting) for setting in COMPILER_SETTINGS),
                *(
                    tuple(sorted((name, passed(call)) for name, call in named.items()))
                    for named in (environment.filters, environment.tests)
                ),
            )
        return compilers[environment]

    def passed(call: object) -> str | None:
        """What Jinja passes a filter or test first (context, environment), as its compiler
        reads it (jinja2.utils._PassArg.from_obj)."""
        return getattr(getattr(call, "jinja_pass_arg", None), "name", None)

    def compile_once(
        self: jinja2.Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if not isinstance(source, str):  # a parsed template: nothing to key it by
            return compile_anew(self, source, name, filename, raw, defer_init)
        key = (compiler(self), source, name, raw, defer_init)
        if key in compiled:
            self.preprocess(source, name, filename)
            return compiled[key]
        compiled[key] = compile_anew(self, source, name, filename, raw, defer_init)
        return compiled[key]

    jinja2.Environment.compile = compile_once


#: What a Jinja environment's lexer and code generator read, besides its class and extensions.
COMPILER_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "autoescape",
    "finalize",
    "is_async",
)
compile_each_template_once()

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
        # The same in every xdist worker, which share the installed project.
        "openrouter_api_key": "sk-or-v1-" + hashlib.sha256(b"hostile").hexdigest(),
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


# A user's shell as the README's "Try it without a key" leaves it, and worse: OpenRouter and OpenAI
# variables and APP_ENV set to junk. Each generated project's whole suite runs with these set
# (the defaults variant), and passes: its tests see none of them.
JUNK_ENVIRONMENT: dict[str, str] = {
    "OPENROUTER_API_KEY": "sk-or-v1-junk",
    "OPENROUTER_API_KEY_FILE": "/nonexistent",
    "OPENROUTER_BASE_URL": "http://127.0.0.1:9/api/v1",
    "OPENROUTER_MODEL": "junk/junk",
    "OPENROUTER_FALLBACK_MODELS": "junk/junk,junk",
    "OPENROUTER_HTTP_REFERER": "junk",
    "OPENROUTER_APP_TITLE": "junk",
    "OPENROUTER_CATEGORIES": "junk",
    "OPENROUTER_MAX_TOKENS": "junk",
    "OPENROUTER_PROVIDER_SORT": "junk",
    "OPENROUTER_DATA_COLLECTION": "junk",
    "OPENROUTER_ZDR": "junk",
    "OPENROUTER_MANAGEMENT_KEY": "sk-or-v1-junk",
    "OPENAI_API_KEY": "junk",
    "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
    "OPENAI_ORG_ID": "junk",
    "OPENAI_PROJECT_ID": "junk",
    "OPENAI_CUSTOM_HEADERS": "Authorization: Bearer junk",
    "APP_ENV": "production",
    "BROWSER": "false",
}


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """Node.js >= 22.18 for the TypeScript projects (see harness.provide_node)."""
    return provide_node()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Headless Chromium for the login tests (see harness.provide_chromium)."""
    CACHE.mkdir(exist_ok=True)
    with exclusive(CACHE / "chromium.lock"):  # one apt-get at a time
        return provide_chromium()


@pytest.fixture
def browser(chromium: Path, tmp_path: Path) -> Iterator[Browser]:
    """A $BROWSER for login: headless Chromium, each visit reported back (tests/browser.py)."""
    opened = Browser(chromium, tmp_path / "browser")
    yield opened
    opened.close()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker more than the cores this process may use. A third of the suite's
    time is spent waiting (timeouts, retries, servers), which the extra worker fills with work.
    PYTEST_XDIST_AUTO_NUM_WORKERS, when set, decides instead."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None  # not macOS
    return (len(usable) if usable else os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first (a stable sort: the rest keep pytest's order). xdist's load
    scheduler gives each worker a first chunk of consecutive tests, a quarter of its share, so
    one worker runs the long tests one after another from the start while the others take the
    short ones: none is left running alone at the end, and they do not fight over the cores
    (handed out one per worker, `--maxschedchunk 2`, the suite took 20 s longer)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


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


Installed = Callable[[str, str], Project]


@pytest.fixture(scope="session")
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Installed:
    """installed(language, variant): that project rendered and installed once per test run.

    Installing is the slow part of most tests, so each (language, variant) of
    VARIANTS is rendered and installed once, in a directory every xdist worker
    shares; tests only run commands in it (their own files go to tmp_path).
    """
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "installed"
    root.mkdir(exist_ok=True)

    def get(language: str, variant: str) -> Project:
        answers = {"language": language, **VARIANTS[variant]}
        node = request.getfixturevalue("node_bin") if language == "typescript" else None
        directory = root / f"{language}-{variant}"
        with exclusive(root / f"{language}-{variant}.lock"):
            done = root / f"{language}-{variant}.installed"
            if not done.exists():
                shutil.rmtree(directory, ignore_errors=True)
                copier.run_copy(
                    str(ROOT), directory, data=answers, defaults=True, vcs_ref="HEAD", quiet=True
                )
                project = project_of(directory, answers)
                if variant == "defaults":
                    install(project, node)
                else:
                    install_like(project, get(language, "defaults"), node)
                done.touch()
        return activate(project_of(directory, answers), node)

    return get


def project_of(directory: Path, answers: dict[str, Any]) -> Project:
    """The project rendered in directory, with its answers (the secret key too)."""
    recorded = yaml.safe_load((directory / ".copier-answers.yml").read_text(encoding="utf-8"))
    return project_at(directory, answers["language"], {**recorded, **answers})


@pytest.fixture(scope="session")
def python_app(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """A Python project with the default answers, installed, with a warm_python server for
    the tests that run its commands many times (Project.warm_entry)."""
    with installed("python", "defaults").warmed(tmp_path_factory.mktemp("warm")) as project:
        yield project


@pytest.fixture(scope="session")
def typescript_app(installed: Installed) -> Project:
    """A TypeScript project with the default answers, installed."""
    return installed("typescript", "defaults")


@pytest.fixture(scope="session")
def keys_scenarios(python_app: Project) -> ModuleType:
    """The shared keys and login scenarios, as the default Python project sets them up."""
    return load_scenarios(python_app)


@pytest.fixture(params=["python", "typescript"])
def app(request: pytest.FixtureRequest) -> Project:
    """The default project of each language."""
    return request.getfixturevalue(f"{request.param}_app")


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter() as server:
        yield server
