"""The wall between the user's files and the kit the template maintains, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness import Project

MAINTAINED = "Maintained by the OpenRouter app template: copier update replaces this file."


def kit_files(project: Project) -> list[Path]:
    if project.language == "python":
        roots = [
            project.path / "src" / project.package / "openrouter",
            project.path / "tests" / "openrouter",
        ]
        pattern = "*.py"
    else:
        roots = [project.path / "src" / "openrouter", project.path / "test" / "openrouter"]
        pattern = "*.ts"
    return sorted(path for root in roots for path in root.rglob(pattern))


def user_files(project: Project) -> list[Path]:
    if project.language == "python":
        return [
            project.path / "src" / project.package / "__main__.py",
            project.path / "tests" / "test_starter.py",
        ]
    return [project.path / "src" / "main.ts", project.path / "test" / "starter.test.ts"]


def test_every_kit_file_says_the_template_maintains_it(app: Project) -> None:
    files = kit_files(app)
    assert len(files) > 10, files
    comment = "#" if app.language == "python" else "//"
    unmarked = [
        str(path.relative_to(app.path))
        for path in files
        if path.read_text(encoding="utf-8").splitlines()[0] != f"{comment} {MAINTAINED}"
    ]
    assert not unmarked


def test_the_users_files_reach_the_kit_through_its_public_face_only(app: Project) -> None:
    """The starter and its test import the kit's face (and the one documented fake fixture)."""
    for path in user_files(app):
        source = path.read_text(encoding="utf-8")
        if app.language == "python":
            imported = set(re.findall(r"^from ([\w.]+) import", source, re.MULTILINE))
            kit = {name for name in imported if ".openrouter" in name}
            assert kit <= {f"{app.package}.openrouter"}, (path.name, kit)
        else:
            imported = set(re.findall(r'^(?:import|\}) .*from "(\.[^"]*)";$', source, re.MULTILINE))
            assert imported <= {"./openrouter/index.ts", "./openrouter/fake.ts"}, (
                path.name,
                imported,
            )


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_the_users_app_fits_the_budget(language: str, request: pytest.FixtureRequest) -> None:
    """The files a user reads to change the app: the starter and its test, 300 lines at most."""
    project: Project = request.getfixturevalue(f"{language}_app")
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in user_files(project))
    assert lines <= 300, f"the {language} starter and its test are {lines} lines"
