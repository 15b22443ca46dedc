"""copier update: template fixes come in, user edits and real env files stay.

A tagged git copy of this template plays the released versions: v1.0.0 is
the template as it is now, and each test releases v1.1.0 by changing files the
user also edited and files they did not.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from harness import ROOT, new_key

LANGUAGES = ["python", "typescript"]
MARKERS = re.compile(r"^(<<<<<<<|>>>>>>>)( |$)", re.MULTILINE)


def git(directory: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [
        "git",
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.com",
        "-c",
        "init.defaultBranch=main",
        *args,
    ]
    return subprocess.run(command, cwd=directory, capture_output=True, text=True, check=check)


class Template:
    """A git copy of the template whose releases tests can cut."""

    def __init__(self, path: Path) -> None:
        ignore = shutil.ignore_patterns(
            ".git", ".venv", ".cache", "__pycache__", "node_modules", ".pytest_cache"
        )
        shutil.copytree(ROOT, path, ignore=ignore)
        self.path = path
        git(path, "init", "-q")
        self.release("v1.0.0")

    def release(self, tag: str, **edits: Callable[[str], str]) -> None:
        """Apply edits (path relative to template/ -> function of its text), commit, tag."""
        for relative, edit in edits.items():
            file = self.path / "template" / relative
            new = edit(file.read_text(encoding="utf-8"))
            assert new != file.read_text(encoding="utf-8"), (
                f"the {tag} edit of {relative} changed nothing"
            )
            file.write_text(new, encoding="utf-8")
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", f"Release {tag}")
        git(self.path, "tag", tag)


@pytest.fixture
def template(tmp_path: Path) -> Template:
    return Template(tmp_path / "template")


def new_project(template: Template, directory: Path, language: str, **answers: object) -> Path:
    """Copy the template at v1.0.0 the way users do, then commit the project."""
    copier.run_copy(
        str(template.path),
        directory,
        data={"language": language, **answers},
        defaults=True,
        vcs_ref="v1.0.0",
        quiet=True,
    )
    git(directory, "init", "-q")
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "-m", "Generated")
    return directory


def update(project: Path, *, vcs_ref: str = "v1.1.0", **data: object) -> None:
    copier.run_update(
        project, data=data, defaults=True, overwrite=True, vcs_ref=vcs_ref, quiet=True
    )


def snapshot(files: list[Path]) -> dict[str, tuple[str, int]]:
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
        for path in files
    }


def starter(language: str, project: Path) -> Path:
    if language == "python":
        return next(project.glob("src/*/__main__.py"))
    return project / "src" / "main.ts"


def starter_tests(language: str, project: Path) -> Path:
    if language == "python":
        return project / "tests" / "test_starter.py"
    return project / "test" / "starter.test.ts"


STARTER_TEMPLATE = {
    "python": "python/src/{{ package_name }}/__main__.py",
    "typescript": "typescript/src/main.ts",
}
STARTER_TESTS_TEMPLATE = {
    "python": "python/tests/test_starter.py.jinja",
    "typescript": "typescript/test/starter.test.ts",
}
README_FIX = ("- **Outage (HTTP 5xx).**", "- **Outage (HTTP 5xx or 529).**")
CATALOG_FIX = (
    '"All checks passed for {environment}."',
    '"All checks passed for {environment}: ready."',
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_update_brings_fixes_and_keeps_edits_and_env_files(
    template: Template, tmp_path: Path, language: str
) -> None:
    key = new_key()
    project = new_project(
        template,
        tmp_path / "app",
        language,
        openrouter_api_key=key,
        environments=["development", "production"],
    )
    # The user makes the project theirs.
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Deploying\n\nOur own notes.\n")
    own_starter = starter(language, project)
    own_starter.write_text(own_starter.read_text().replace("Say hello", "Summarise"))
    git(project, "commit", "-q", "-am", "Our changes")
    for name in (".env", ".env.production", ".env.local"):
        (project / name).write_text(f"OPENROUTER_API_KEY={new_key()}\nMINE=1\n")
    (project / ".env.production").chmod(0o600)
    real_env_files = [
        project / name for name in (".env", ".env.development", ".env.production", ".env.local")
    ]
    before = snapshot(real_env_files)
    edited_starter = own_starter.read_text()
    own_tests = starter_tests(language, project).read_text()

    template.release(
        "v1.1.0",
        **{
            "shared/README.md.jinja": lambda text: text.replace(*README_FIX),
            "shared/catalog.yml": lambda text: text.replace(*CATALOG_FIX),
            STARTER_TEMPLATE[language]: lambda text: text.replace("Say hello", "Say hi"),
            STARTER_TESTS_TEMPLATE[language]: lambda text: text.replace("Say hello", "Say hi"),
        },
    )
    update(project)

    assert snapshot(real_env_files) == before, "real env files must stay byte-identical"
    assert (project / ".env.development").read_text().count(key) == 1
    assert own_starter.read_text() == edited_starter, "the starter is the user's"
    assert starter_tests(language, project).read_text() == own_tests, "so are its tests"
    text = readme.read_text()
    assert "## Deploying\n\nOur own notes." in text and README_FIX[1] in text
    catalog = next(project.glob("src/**/catalog.*"))
    assert "ready." in catalog.read_text()
    tracked = git(project, "ls-files").stdout.split()
    assert not [
        name for name in tracked if MARKERS.search((project / name).read_text(encoding="utf-8"))
    ]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.1.0"
    assert (
        "openrouter_api_key" not in answers
        and key not in (project / ".copier-answers.yml").read_text()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_changing_environments_adds_and_removes_only_examples(
    template: Template, tmp_path: Path, language: str
) -> None:
    project = new_project(
        template, tmp_path / "app", language, environments=["development", "production"]
    )
    (project / ".env.production").write_text(f"OPENROUTER_API_KEY={new_key()}\n")
    template.release("v1.1.0")

    update(project, environments=["development", "staging", "production"])
    assert (project / ".env.staging.example").is_file()
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Add staging")

    update(project, environments=["development", "staging"])
    assert not (project / ".env.production.example").exists()
    assert (project / ".env.production").is_file(), "a real env file is never deleted"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["environments"] == [
        "development",
        "staging",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_conflicting_edit_is_marked_for_the_user_to_resolve(
    template: Template, tmp_path: Path, language: str
) -> None:
    project = new_project(template, tmp_path / "app", language)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace(README_FIX[0], "- **Outage.** Our own words."))
    git(project, "commit", "-q", "-am", "Our words")
    template.release("v1.1.0", **{"shared/README.md.jinja": lambda text: text.replace(*README_FIX)})

    update(project)
    assert MARKERS.search(readme.read_text())
    assert "Our own words." in readme.read_text() and README_FIX[1] in readme.read_text()
    check = git(project, "diff", "--check", check=False)
    assert check.returncode != 0 and "README.md" in check.stdout + check.stderr
    others = [name for name in git(project, "ls-files").stdout.split() if name != "README.md"]
    assert not [
        name for name in others if MARKERS.search((project / name).read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_updating_an_untouched_project_equals_a_fresh_copy(
    template: Template, tmp_path: Path, language: str
) -> None:
    answers = {
        "app_title": "Café ✨",
        "environments": ["staging", "production"],
        "app_categories": ["game"],
    }
    project = new_project(template, tmp_path / "old", language, **answers)
    template.release("v1.1.0", **{"shared/catalog.yml": lambda text: text.replace(*CATALOG_FIX)})
    update(project)
    fresh = tmp_path / "fresh"
    copier.run_copy(
        str(template.path),
        fresh,
        data={"language": language, **answers},
        defaults=True,
        vcs_ref="v1.1.0",
        quiet=True,
    )

    def tree(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.parts
        }

    assert tree(project) == tree(fresh)


def test_check_update_reports_a_new_release(template: Template, tmp_path: Path) -> None:
    project = new_project(template, tmp_path / "app", "python")
    template.release("v1.1.0")
    command = [sys.executable, "-m", "copier", "check-update", "--quiet"]
    assert subprocess.run(command, cwd=project).returncode == 2, "exit 2: an update is available"
    update(project)
    assert subprocess.run(command, cwd=project).returncode == 0
