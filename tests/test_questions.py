"""The questions: every bad answer is refused naming the question, good ones render."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from conftest import HOSTILE_TITLE
from harness import ROOT

BAD_ANSWERS = [
    ("language", "rust", "'rust' is not in"),
    ("app_title", "", "Give the app a name"),
    ("app_title", "   ", "Give the app a name"),
    ("app_title", "Line one\nLine two", "one line"),
    ("app_title", "Tab\tin title", "one line"),
    ("app_title", "x" * 101, "100 characters or fewer"),
    ("app_url", "example.com", "starting with http:// or https://"),
    ("app_url", "ftp://example.com", "starting with http:// or https://"),
    ("app_url", "https://", "needs a host"),
    ("app_url", "https:///path", "needs a host"),
    ("app_url", "https://user:secret@example.com", "user:password@"),
    ("app_url", "https://exa mple.com", "spaces"),
    ("app_url", "https://example.com/\n", "spaces"),
    ("app_url", "https://example.com/#top", "#fragment"),
    ("environments", [], "at least one"),
    ("environments", ["development", "qa"], "'qa' is not in"),
    ("project_slug", "My App", "lowercase letters"),
    ("project_slug", "1app", "starting with a letter"),
    ("project_slug", "app--double", "single hyphens"),
    ("project_slug", "app-", "single hyphens"),
    ("project_slug", "app_name", "lowercase letters"),
    ("default_model", "gpt-4o", "author/slug"),
    ("default_model", "openai/", "author/slug"),
    ("default_model", "openai/gpt 4o", "author/slug"),
    ("default_model", "openai/gpt-4o:", "author/slug"),
    ("app_categories", ["cli-agent", "game", "legal"], "at most 2"),
    ("app_categories", ["not-a-category"], "'not-a-category' is not in"),
    ("openrouter_api_key", "sk-abc123", "start with sk-or-v1-"),
    ("openrouter_api_key", "sk-or-v1-abc 123", "spaces"),
    ("openrouter_api_key", "sk-or-v1-abc123\n", "spaces"),
    ("openrouter_api_key", "sk-or-v1-abc'123", "only letters, digits"),
    ("openrouter_api_key", "sk-or-v1-", "only letters, digits"),
]


@pytest.mark.parametrize(
    ("question", "answer", "phrase"), BAD_ANSWERS, ids=lambda value: repr(value)[:30]
)
def test_bad_answers_are_refused_naming_the_question(
    tmp_path: Path, question: str, answer: Any, phrase: str
) -> None:
    """As with `copier copy --defaults -d question=answer`: no --trust, nothing written."""
    with pytest.raises(ValueError) as refused:
        copier.run_copy(
            str(ROOT),
            tmp_path / "app",
            data={question: answer},
            defaults=True,
            vcs_ref="HEAD",
            quiet=True,
        )
    message = str(refused.value)
    assert re.search(
        rf"(Validation error for question|Invalid choice for) '{question}'", message
    ), message
    assert phrase in message
    assert not (tmp_path / "app").exists()


def test_the_command_line_refuses_a_bad_answer_with_its_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            "-d",
            "app_url=ftp://x",
            str(ROOT),
            str(tmp_path / "app"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Validation error for question 'app_url'" in result.stderr
    assert not (tmp_path / "app").exists()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("My OpenRouter App", "my-openrouter-app"),
        ("  Café Déjà Vu!  ", "cafe-deja-vu"),
        ("Straße & Œuvre", "strasse-oeuvre"),
        ("2048 Game", "app-2048-game"),
        ("日本語アプリ", "openrouter-app"),
        (HOSTILE_TITLE, "he-said-it-s-title-raw-script-home"),
        ("a" * 100, "a" * 50),
    ],
)
def test_the_slug_defaults_to_an_ascii_form_of_the_title(copie: Any, title: str, slug: str) -> None:
    result = copie.copy(extra_answers={"app_title": title})
    assert result.exit_code == 0, result.exception
    assert result.answers["project_slug"] == slug
    assert (result.project_dir / "src" / slug.replace("-", "_") / "config.py").is_file()


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_defaults_answer_every_question(copie: Any, language: str) -> None:
    result = copie.copy(extra_answers={"language": language})
    assert result.exit_code == 0, result.exception
    answers = yaml.safe_load((result.project_dir / ".copier-answers.yml").read_text())
    assert answers["language"] == language
    assert answers["environments"] == ["development", "staging", "production"]
    assert answers["app_url"] == "https://example.com"
    assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9.-]+", answers["default_model"])
    assert answers["app_categories"] == []
    assert "openrouter_api_key" not in answers


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize(
    ("environments", "default"),
    [
        (["production"], "production"),
        (["production", "staging"], "staging"),
        (["staging", "development"], "development"),
    ],
)
def test_one_env_example_per_environment(
    copie: Any, language: str, environments: list[str], default: str
) -> None:
    result = copie.copy(extra_answers={"language": language, "environments": environments})
    assert result.exit_code == 0, result.exception
    examples = sorted(path.name for path in result.project_dir.glob(".env*"))
    assert examples == sorted(f".env.{environment}.example" for environment in environments)
    readme = (result.project_dir / "README.md").read_text()
    assert f"either, {default} is used" in readme


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_env_examples_list_every_variable_and_the_key_policy(copie: Any, language: str) -> None:
    result = copie.copy(
        extra_answers={"language": language, "app_categories": ["cli-agent", "general-chat"]}
    )
    assert result.exit_code == 0, result.exception
    policy = {
        "development": ("5-10 USD", "when needed"),
        "staging": ("20-50 USD", "when needed"),
        "production": ("budget", "every 90 days"),
    }
    for environment, (limit, rotation) in policy.items():
        text = (result.project_dir / f".env.{environment}.example").read_text()
        values = dict(
            line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
        )
        assert values == {
            "OPENROUTER_API_KEY": "",
            "OPENROUTER_BASE_URL": "https://openrouter.ai/api/v1",
            "OPENROUTER_HTTP_REFERER": "https://example.com",
            "OPENROUTER_APP_TITLE": '"My OpenRouter App"',
            "OPENROUTER_APP_CATEGORIES": "cli-agent,general-chat",
            "OPENROUTER_MODEL": values["OPENROUTER_MODEL"],
        }
        comments = " ".join(line for line in text.splitlines() if line.startswith("#"))
        assert limit in comments and rotation in comments
        assert "One key per environment" in comments
        assert "immediately after any suspected exposure" in comments
        assert all("\n# " in text.split(f"\n{name}=")[0][-400:] for name in values), (
            "each variable has a comment"
        )


JINJA = re.compile(r"\{\{-?\s*[\w.]+\s*(\|[^}]*)?-?\}\}|\{%-?\s*[a-z]+\b|\{#-?\s")


def generated_files(project: Path) -> list[Path]:
    return [path for path in project.rglob("*") if path.is_file() and ".git" not in path.parts]


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_no_template_syntax_is_left_in_generated_files(copie: Any, language: str) -> None:
    result = copie.copy(
        extra_answers={"language": language, "openrouter_api_key": "sk-or-v1-" + "ab" * 32}
    )
    assert result.exit_code == 0, result.exception
    for path in generated_files(result.project_dir):
        text = path.read_text(encoding="utf-8")
        if path.name == "ci.yml":
            text = re.sub(r"\$\{\{[^}]*\}\}", "", text)  # GitHub Actions expressions
        assert not JINJA.search(text), f"{path}: {JINJA.search(text)}"
        if path.suffix not in (".py", ".ts"):  # their formatters judge those
            assert "\n\n\n" not in text, f"stray blank lines in {path}"


def test_template_file_names_are_portable() -> None:
    for path in (ROOT / "template").rglob("*"):
        assert not set('"<>|?*\\') & set(path.name), f"not a portable file name: {path}"


def test_every_question_has_a_default_so_updates_never_stop_to_ask() -> None:
    questions = {
        name: spec
        for name, spec in yaml.safe_load((ROOT / "copier.yml").read_text()).items()
        if not name.startswith("_")
    }
    assert {
        "language",
        "app_title",
        "app_url",
        "environments",
        "project_slug",
        "default_model",
        "app_categories",
        "openrouter_api_key",
    } <= set(questions)
    assert not [name for name, spec in questions.items() if "default" not in spec]


def test_the_oldest_supported_copier_generates_a_project_without_trust(tmp_path: Path) -> None:
    minimum = yaml.safe_load((ROOT / "copier.yml").read_text())["_min_copier_version"]
    venv = tmp_path / "copier-venv"
    subprocess.run([sys.executable, "-m", "uv", "venv", "--quiet", str(venv)], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            f"copier=={minimum}",
        ],
        check=True,
    )
    result = subprocess.run(
        [
            str(venv / "bin" / "copier"),
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            "-d",
            "language=typescript",
            str(ROOT),
            str(tmp_path / "app"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app" / ".env.development.example").is_file()
    assert (tmp_path / "app" / "src" / "verify.ts").is_file()
