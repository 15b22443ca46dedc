"""login in both languages: every scenario of the shared table, and the same page, byte for byte.

The login rows of template/shared/keys-scenarios.yml run against the Python and
the TypeScript project (tests/scenario_player.py plays the browser and the user).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from conftest import HOSTILE_TITLE
from harness import Project
from scenario_player import TABLE, play_both


@pytest.mark.parametrize("name", list(TABLE["login"]))
def test_both_languages_do_the_same(
    name: str,
    keys_scenarios: ModuleType,
    python_app: Project,
    typescript_app: Project,
    tmp_path: Path,
) -> None:
    play_both(keys_scenarios, name, python_app, typescript_app, tmp_path)


PAGES = [
    (True, "", "python -m app.openrouter.verify --env development"),
    (False, "Sign-in was not completed: access_denied.", "npm run --silent login -- --env x"),
    (False, "<img src=x onerror=alert(1)> & 'quotes' \"too\" — ✨", "login --limit 25"),
]


def rendered_pages(app: Project) -> list[bytes]:
    """The login pages the app serves for PAGES, with the hostile title, as bytes."""
    cases = json.dumps(PAGES)
    if app.language == "python":
        script = (
            "import json, sys;"
            f"from {app.package}.openrouter.config import load_settings;"
            f"from {app.package}.openrouter.login import page;"
            "settings = load_settings('staging', environ={'OPENROUTER_APP_TITLE': sys.argv[2]});"
            "pages = [page(settings, signed_in=s, detail=d, next_command=c).hex()"
            " for s, d, c in json.loads(sys.argv[1])];"
            "print(json.dumps(pages))"
        )
        command = [str(app.path / ".venv" / "bin" / "python"), "-c", script, cases, HOSTILE_TITLE]
    else:
        script = (
            "import { loadSettings } from './src/openrouter/config.ts';"
            "import { page } from './src/openrouter/login.ts';"
            "const [cases, title] = process.argv.slice(1);"
            "const settings = loadSettings('staging', { environ: { OPENROUTER_APP_TITLE: title } });"
            "const pages = JSON.parse(cases).map(([s, d, c]) =>"
            " Buffer.from(page(settings, s, d, c)).toString('hex'));"
            "console.log(JSON.stringify(pages));"
        )
        command = ["node", "--input-type=module", "-e", script, cases, HOSTILE_TITLE]
    result = app.run(*command, cwd=app.path)
    return [bytes.fromhex(page) for page in json.loads(result.stdout)]


def test_both_languages_serve_the_same_page_byte_for_byte(
    python_app: Project, typescript_app: Project
) -> None:
    python, typescript = rendered_pages(python_app), rendered_pages(typescript_app)
    assert python == typescript
    signed_in, failed, hostile = (page.decode() for page in python)
    assert (
        "He said &quot;it&#x27;s&quot; \\ {{ title }} {% raw %} &lt;/script&gt; &amp;" in signed_in
    )
    assert "staging" in signed_in and ".env.staging" in signed_in
    assert "access_denied" in failed and "npm run --silent login -- --env x" in failed
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile and "<img" not in hostile


def test_the_page_is_self_contained(python_app: Project) -> None:
    """No URL in the page at all: nothing to fetch, nothing that could call home."""
    page = rendered_pages(python_app)[0].decode()
    assert "http" not in page and "//" not in page.replace("<!DOCTYPE", "")
    for needed in ('<html lang="en">', '<meta charset="utf-8">', "<style>", "color-scheme"):
        assert needed in page
    assert "<script" not in page and "<link" not in page and "<img" not in page
