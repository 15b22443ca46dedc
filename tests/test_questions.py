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
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from conftest import HOSTILE_TITLE
from harness import ROOT

QUESTIONS = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
CATEGORIES = QUESTIONS["app_categories"]["choices"]


def invalid(question: str, message: str) -> str:
    """What copier says when a validator refuses an answer."""
    return f"Validation error for question '{question}': {message}"


def not_a_choice(question: str, answer: str, choices: list[str]) -> str:
    return f"Invalid choice for '{question}': {answer!r} is not in {choices!r}"


TITLE_MISSING = invalid("app_title", "Give the app a name, e.g. My Research Assistant.")
TITLE_LINES = invalid("app_title", "The title must be one line of text without control characters.")
URL_SCHEME = invalid(
    "app_url", "Use an absolute URL starting with http:// or https://, e.g. https://example.com."
)
URL_HOST = invalid(
    "app_url", "The URL needs a host, e.g. https://example.com or http://localhost:3000."
)
URL_SPACES = invalid("app_url", "The URL must not contain spaces or line breaks.")
SLUG = invalid(
    "project_slug",
    "Use lowercase letters, digits and single hyphens, starting with a letter,"
    " e.g. research-assistant.",
)
MODEL = invalid(
    "default_model",
    "Use an OpenRouter model id like author/slug or author/slug:free,"
    " e.g. google/gemini-2.5-flash-lite.",
)
KEY_PREFIX = invalid(
    "openrouter_api_key",
    "OpenRouter API keys start with sk-or-v1-; copy the whole key from"
    " https://openrouter.ai/settings/keys.",
)
KEY_SPACES = invalid(
    "openrouter_api_key",
    "The key must not contain spaces or line breaks: paste it again,"
    " without surrounding whitespace.",
)
KEY_CHARACTERS = invalid(
    "openrouter_api_key",
    "The key may hold only letters, digits, - and _ after sk-or-v1-:"
    " copy it again from https://openrouter.ai/settings/keys.",
)
ENVIRONMENTS = ["development", "staging", "production"]

BAD_ANSWERS = [
    ("language", "rust", not_a_choice("language", "rust", ["python", "typescript"])),
    ("app_title", "", TITLE_MISSING),
    ("app_title", "   ", TITLE_MISSING),
    ("app_title", "Line one\nLine two", TITLE_LINES),
    ("app_title", "Tab\tin title", TITLE_LINES),
    ("app_title", "Zero\u2028width", TITLE_LINES),
    (
        "app_title",
        "x" * 101,
        invalid("app_title", "Keep the title to 100 characters or fewer (it has 101)."),
    ),
    ("app_url", "example.com", URL_SCHEME),
    ("app_url", "ftp://example.com", URL_SCHEME),
    ("app_url", "https://", URL_HOST),
    ("app_url", "https:///path", URL_HOST),
    (
        "app_url",
        "https://user:secret@example.com",
        invalid(
            "app_url",
            "Leave user:password@ out of the URL: it is sent to OpenRouter with every request.",
        ),
    ),
    ("app_url", "https://exa mple.com", URL_SPACES),
    ("app_url", "https://example.com/\n", URL_SPACES),
    (
        "app_url",
        "https://example.com/#top",
        invalid("app_url", "Leave the #fragment out of the URL."),
    ),
    ("environments", [], invalid("environments", "Choose at least one environment.")),
    ("environments", ["development", "qa"], not_a_choice("environments", "qa", ENVIRONMENTS)),
    ("project_slug", "My App", SLUG),
    ("project_slug", "1app", SLUG),
    ("project_slug", "app--double", SLUG),
    ("project_slug", "app-", SLUG),
    ("project_slug", "app_name", SLUG),
    ("project_slug", "café", SLUG),
    ("default_model", "gpt-4o", MODEL),
    ("default_model", "openai/", MODEL),
    ("default_model", "openai/gpt 4o", MODEL),
    ("default_model", "openai/gpt-4o:", MODEL),
    (
        "app_categories",
        ["cli-agent", "game", "legal"],
        invalid(
            "app_categories",
            "Choose at most 2 categories (OpenRouter ignores the rest); you chose 3.",
        ),
    ),
    (
        "app_categories",
        ["not-a-category"],
        f"Invalid choice for 'app_categories': 'not-a-category' is not in {CATEGORIES!r}",
    ),
    ("openrouter_api_key", "sk-abc123", KEY_PREFIX),
    ("openrouter_api_key", "sk-or-v1-abc 123", KEY_SPACES),
    ("openrouter_api_key", "sk-or-v1-abc123\n", KEY_SPACES),
    ("openrouter_api_key", "sk-or-v1-abc'123", KEY_CHARACTERS),
    ("openrouter_api_key", "sk-or-v1-", KEY_CHARACTERS),
]


@pytest.mark.parametrize(
    ("question", "answer", "expected"), BAD_ANSWERS, ids=lambda value: repr(value)[:30]
)
def test_bad_answers_are_refused_naming_the_question(
    tmp_path: Path, question: str, answer: Any, expected: str
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
    assert str(refused.value) == expected
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
        ("Știință și Țară", "stiinta-si-tara"),
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
    assert (
        result.project_dir / "src" / slug.replace("-", "_") / "openrouter" / "config.py"
    ).is_file()


def jinja() -> SandboxedEnvironment:
    """Jinja as copier sets it up for this template (no extensions of ours)."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )


def default_slug(title: str) -> str:
    """project_slug's default for a title, rendered as copier renders it."""
    return jinja().from_string(QUESTIONS["project_slug"]["default"]).render(app_title=title)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        pytest.param("Știință și Țară", "stiinta-si-tara", id="romanian-comma"),
        pytest.param("Ştiinţă", "stiinta", id="romanian-cedilla"),
        pytest.param("Zażółć gęślą jaźń", "zazolc-gesla-jazn", id="polish"),
        pytest.param("Příliš žluťoučký kůň", "prilis-zlutoucky-kun", id="czech"),
        pytest.param("Ľúbostná báseň", "lubostna-basen", id="slovak"),
        pytest.param("Árvíztűrő tükörfúrógép", "arvizturo-tukorfurogep", id="hungarian"),
        pytest.param("Ąžuolų ūsai", "azuolu-usai", id="lithuanian"),
        pytest.param("Ģimenes ķēķis", "gimenes-kekis", id="latvian"),
        pytest.param("Đurđevac čćžšđ", "durdevac-cczsd", id="croatian"),
        pytest.param("İstanbul Çığ Öğün Şüphe", "istanbul-cig-ogun-suphe", id="turkish"),
        pytest.param("Tiếng Việt Phở Đà Nẵng", "tieng-viet-pho-da-nang", id="vietnamese"),
        pytest.param("Straße Größe ẞÜBERMÄẞIG", "strasse-grosse-ssubermassig", id="german"),
        pytest.param(
            "Smørrebrød Ærø Þórsmörk Åland", "smorrebrod-aero-thorsmork-aland", id="nordic"
        ),
        pytest.param("Œuvre Façade Ñandú", "oeuvre-facade-nandu", id="french-spanish"),
        pytest.param("Καλημέρα Κόσμε ΟΥΡΑΝΌΣ", "kalimera-kosme-ouranos", id="greek"),
        pytest.param("Привет, мир! Щука и Ёж", "privet-mir-shchuka-i-ezh", id="russian"),
        pytest.param("Їжак Ґанок Єнот", "yizhak-ganok-yenot", id="ukrainian"),
        pytest.param("Њујорк Ђак Џеп", "njujork-djak-dzep", id="serbian"),
        pytest.param("Cafe\u0301 Dé\u0301ja\u0300", "cafe-deja", id="decomposed-accents"),
    ],
)
def test_letters_of_many_languages_fold_into_the_slug(title: str, slug: str) -> None:
    assert default_slug(title) == slug


def rendered_help(question: str, **answers: Any) -> str:
    answers = {"language": "python", "environments": ENVIRONMENTS, **answers}
    return jinja().from_string(QUESTIONS[question]["help"]).render(**answers)


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize("environments", [ENVIRONMENTS, ["production"]])
def test_every_help_line_fits_a_terminal(language: str, environments: list[str]) -> None:
    """copier prints the help above the answer in a window that does not wrap: on an
    80-column terminal, a longer line loses its end. 72 leaves room for the prompt's icon."""
    for question in [name for name in QUESTIONS if not name.startswith("_")]:
        if "help" not in QUESTIONS[question]:
            continue
        text = rendered_help(question, language=language, environments=environments)
        assert text and text == text.strip(), f"{question}: {text!r}"
        long = [line for line in text.splitlines() if len(line) > 72]
        assert not long, f"{question}: {long}"


def test_the_slug_help_names_the_python_package_only_for_python() -> None:
    python = rendered_help("project_slug", language="python")
    typescript = rendered_help("project_slug", language="typescript")
    assert "pyproject.toml" in python and "The Python package is the slug with _ for -." in python
    assert "package.json" in typescript and "Python" not in typescript
    assert "directory" not in python + typescript, "copier's destination names the directory"


def test_the_title_help_says_what_happens_to_non_ascii_letters() -> None:
    assert "(é becomes e) and other non-ASCII characters are dropped" in " ".join(
        rendered_help("app_title").split()
    )


def test_placeholders_are_examples_never_the_default() -> None:
    """A placeholder equal to the default reads as typed text once the default is cleared."""
    placeholders = {
        name: spec["placeholder"]
        for name, spec in QUESTIONS.items()
        if isinstance(spec, dict) and "placeholder" in spec
    }
    assert placeholders
    for name, placeholder in placeholders.items():
        assert placeholder.startswith("e.g. "), name
        assert placeholder.removeprefix("e.g. ") != QUESTIONS[name]["default"], name


def test_the_language_choice_names_the_node_version_the_projects_need() -> None:
    assert "TypeScript (openai 7.x, Node.js >= 22.18)" in QUESTIONS["language"]["choices"]


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
    readme = (result.project_dir / "docs" / "openrouter.md").read_text()
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
            "OPENROUTER_MAX_TOKENS": "1024",
            # Off until set: fallbacks and provider preferences.
            "OPENROUTER_FALLBACK_MODELS": "",
            "OPENROUTER_PROVIDER_SORT": "",
            "OPENROUTER_DATA_COLLECTION": "",
            "OPENROUTER_ZDR": "",
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
    assert (tmp_path / "app" / "src" / "openrouter" / "verify.ts").is_file()
