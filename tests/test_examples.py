"""examples/: what the template generates, kept equal to a fresh render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest

import shared_tables
from example_projects import EXAMPLES, LANGUAGES, REFRESH, answers, render, tree


def test_the_tables_json_twin_is_the_yaml_tables() -> None:
    """Copier reads template/shared/tables.json: it must say what the YAML tables say."""
    twin = shared_tables.TABLES_JSON.read_text(encoding="utf-8")
    assert twin == shared_tables.expected(), (
        f"tables.json is out of date: run {shared_tables.REFRESH}"
    )


def test_table_text_that_looks_like_jinja_reaches_the_templates_whole() -> None:
    data = {
        "message": "{{ name }} {% if %} {# note #} {{{ x }}} \\{{ y }}",
        "list": [{}, {"a": "{"}],
    }
    included = jinja2.Environment().from_string(shared_tables.as_json(data)).render()
    assert json.loads(included) == data


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
