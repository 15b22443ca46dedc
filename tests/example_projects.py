"""examples/python and examples/typescript: projects rendered from their committed answers.

They show readers what the template generates without running it, and
tests/test_examples.py holds them equal to a fresh render. After changing the
template, refresh both (from the repository root; this writes the shared
tables' JSON twin first, as tests/shared_tables.py does):

    .venv/bin/python tests/example_projects.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import copier
import yaml

import shared_tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
LANGUAGES = ("python", "typescript")
REFRESH = ".venv/bin/python tests/example_projects.py"
ANSWERS = ".copier-answers.yml"
# Where the template was and which commit it was at: they differ between
# checkouts, so the committed answers say "this repository" and the tests ignore both.
VOLATILE = re.compile(r"^(_commit|_src_path): .*$", re.MULTILINE)


def answers(language: str) -> dict[str, Any]:
    """The committed answers of one example (copier's own keys left out)."""
    data = yaml.safe_load((EXAMPLES / language / ANSWERS).read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


def render(language: str, destination: Path) -> None:
    """Render the example from this working tree (uncommitted changes included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
        copier.run_copy(
            str(ROOT),
            destination,
            data=answers(language),
            defaults=True,
            vcs_ref="HEAD",
            quiet=True,
        )
    answers_file = destination / ANSWERS
    text = answers_file.read_text(encoding="utf-8")
    answers_file.write_text(
        re.sub(r"^_src_path: .*$", "_src_path: ../..", text, flags=re.MULTILINE),
        encoding="utf-8",
    )


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, the answers file without its volatile values."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == ANSWERS:
                data = VOLATILE.sub(r"\1: ...", data.decode()).encode()
            files[path.relative_to(root).as_posix()] = data
    return files


def refresh() -> None:
    """Render each example afresh and put it in place of the old one."""
    for language in LANGUAGES:
        example = EXAMPLES / language
        with tempfile.TemporaryDirectory() as temporary:
            fresh = Path(temporary) / language
            render(language, fresh)
            shutil.rmtree(example)
            shutil.copytree(fresh, example)
        print(f"refreshed {example.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    shared_tables.main()
    refresh()
