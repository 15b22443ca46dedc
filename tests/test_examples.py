"""examples/: what the template generates, kept equal to a fresh render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from example_projects import EXAMPLES, LANGUAGES, REFRESH, answers, render, tree


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_example_is_a_fresh_render_of_its_answers(language: str, tmp_path: Path) -> None:
    assert answers(language)["language"] == language
    fresh = tmp_path / language
    render(language, fresh)
    example, expected = tree(EXAMPLES / language), tree(fresh)
    stale = sorted(set(example) ^ set(expected)) or sorted(
        name for name in expected if example[name] != expected[name]
    )
    assert not stale, f"examples/{language} is out of date ({stale[:5]}): run {REFRESH}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_examples_hold_no_key_and_nothing_installed(language: str) -> None:
    example = EXAMPLES / language
    assert "openrouter_api_key" not in answers(language)
    assert not [path for path in example.rglob("*") if path.name in ("node_modules", ".venv")]
    assert not [path for path in example.glob(".env*") if not path.name.endswith(".example")]
    key = re.compile(rb"sk-or-v1-[0-9a-f]{64}")
    assert not [
        path for path in example.rglob("*") if path.is_file() and key.search(path.read_bytes())
    ]
