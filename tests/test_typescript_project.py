"""Generated TypeScript projects install, pass their own checks and run, for every kind of answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import VARIANTS, assert_streams_a_reply, render
from harness import FakeOpenRouter, Project, install


@pytest.fixture(params=list(VARIANTS), scope="module")
def project(request: pytest.FixtureRequest, copie_session: Any, node_bin: Path) -> Project:
    return install(render(copie_session, "typescript", **VARIANTS[request.param]), node_bin)


def test_passes_its_own_type_checker_linter_and_tests(project: Project) -> None:
    project.run("npm", "run", "--silent", "typecheck")
    project.run("npm", "run", "--silent", "lint")
    project.run("npm", "test", "--silent")


def test_the_title_survives_every_quoting(project: Project) -> None:
    """The generated defaults hold the exact title, and Node reads the env example back to it."""
    title = project.answers["app_title"].strip()
    script = (
        "import { DEFAULTS } from './src/config.ts';"
        "import { parseEnv } from 'node:util';"
        "import { readFileSync, readdirSync } from 'node:fs';"
        "const example = readdirSync('.').find((name) => name.endsWith('.example'));"
        "console.log(JSON.stringify([DEFAULTS.OPENROUTER_APP_TITLE, parseEnv(readFileSync(example, 'utf8')).OPENROUTER_APP_TITLE]));"
    )
    default, from_example = json.loads(
        project.run("node", "--input-type=module", "-e", script).stdout
    )
    assert default == title
    assert from_example == ("" if all(quote in title for quote in "'\"`") else title)


def test_the_starter_streams_a_reply_from_openrouter(
    project: Project, fake: FakeOpenRouter
) -> None:
    assert_streams_a_reply(project, fake, ["npm", "start", "--silent", "--", "Say hello"])


def test_npm_run_verify_json_prints_only_the_json_object(project: Project) -> None:
    result = project.run(
        "npm", "run", "--silent", "verify", "--", "--json", "--env", "qa", check=False
    )
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert [check["status"] for check in report["checks"]][:2] == ["fail", "skip"]
