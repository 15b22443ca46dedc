"""Generated Python projects install, pass their own checks and run, for every kind of answer."""

from __future__ import annotations

import json

import pytest

from conftest import JUNK_ENVIRONMENT, VARIANTS, Installed, assert_streams_a_reply
from harness import UV, FakeOpenRouter, Project, type_check

# The tests of what differs between answer variants: the settings the project was generated
# with (environments, title, model), and the starter's request that sends them (its other
# tests, of errors, read no answer).
VARIANT_TESTS = (
    "tests/openrouter/test_config.py",
    "tests/test_starter.py::test_streams_the_reply_through_processing_comments",
)


@pytest.fixture(params=list(VARIANTS), scope="module")
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def project(variant: str, installed: Installed) -> Project:
    return installed("python", variant)


def test_passes_its_own_formatter_linter_type_checker_and_tests(
    project: Project, variant: str
) -> None:
    """After `uv sync` (the fixture), `uv run` finds every development tool in the project.

    Every variant's files are formatted, linted and type-checked. The default answers' whole
    suite runs in test_passes_its_own_tests; the other variants' trees differ only in the
    rendered settings, README and env examples, so only the tests of the settings and of the
    starter's request run there.
    """
    project.run(*UV, "run", "ruff", "format", "--check", ".")
    project.run(*UV, "run", "ruff", "check", ".")
    type_check(project)
    if variant != "defaults":
        project.run(*UV, "run", "pytest", "-q", "-p", "no:cacheprovider", *VARIANT_TESTS)


# The default project's whole suite, in parts that run side by side (its tests mostly wait on
# timeouts and retries): these files, then every other test.
SUITE_PARTS = {
    "hostile": ("tests/openrouter/test_hostile_inputs.py",),
    "verify": ("tests/openrouter/test_verify.py", "tests/openrouter/test_explain.py"),
}


@pytest.mark.long
@pytest.mark.parametrize("part", [*SUITE_PARTS, "rest"])
def test_passes_its_own_tests(installed: Installed, part: str) -> None:
    """`uv run pytest`, with the user's OpenRouter and OpenAI variables and APP_ENV set to
    junk: no test sees them. The parts together are the whole suite: "rest" is every test
    file the others leave out."""
    project = installed("python", "defaults")
    if part == "rest":
        files = [f"--ignore={name}" for names in SUITE_PARTS.values() for name in names]
    else:
        files = list(SUITE_PARTS[part])
        assert all((project.path / name).is_file() for name in files), files
    project.run(*UV, "run", "pytest", "-q", "-p", "no:cacheprovider", *files, env=JUNK_ENVIRONMENT)


def test_the_title_survives_every_quoting(project: Project) -> None:
    """The generated defaults hold the exact title, and the env example reads back to it."""
    title = project.answers["app_title"].strip()
    example = next(project.path.glob(".env.*.example")).read_text(encoding="utf-8")
    script = (
        f"import json, sys; from {project.package}.openrouter.config import DEFAULTS; from {project.package}.openrouter.envfile import parse as parse_env; "
        "print(json.dumps([DEFAULTS['OPENROUTER_APP_TITLE'], parse_env(sys.stdin.read())['OPENROUTER_APP_TITLE']]))"
    )
    default, from_example = json.loads(project.run("python", "-c", script, input=example).stdout)
    assert default == title
    # An example can hold any title but one with all three quote kinds: that one is left
    # empty, and the app falls back to its default.
    assert from_example == ("" if all(quote in title for quote in "'\"`") else title)


def test_the_starter_streams_a_reply_from_openrouter(
    project: Project, fake: FakeOpenRouter
) -> None:
    assert_streams_a_reply(project, fake, ["python", "-m", project.package, "Say hello"])


def test_an_answered_key_lives_only_in_the_first_environment_file(project: Project) -> None:
    key = project.answers.get("openrouter_api_key", "").encode()
    files = [
        path for path in project.path.rglob("*") if path.is_file() and ".venv" not in path.parts
    ]
    holding = sorted(path.name for path in files if key and key in path.read_bytes())
    environments = project.answers["environments"]
    first = "development" if "development" in environments else environments[0]
    assert holding == ([f".env.{first}"] if key else [])
