"""Generated TypeScript projects install, pass their own checks and run, for every kind of answer."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import JUNK_ENVIRONMENT, VARIANTS, Installed, assert_streams_a_reply, render
from harness import FakeOpenRouter, Project, provide_old_node

# The tests of what differs between answer variants: the settings the project was generated
# with (environments, title, model), and the starter's request that sends them (its other
# tests, of errors, read no answer).
VARIANT_TESTS = {
    "test/openrouter/config.test.ts": ".",
    "test/starter.test.ts": "^streams the reply through",
}


@pytest.fixture(params=list(VARIANTS), scope="module")
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def project(variant: str, installed: Installed) -> Project:
    return installed("typescript", variant)


def test_passes_its_own_type_checker_linter_and_tests(project: Project, variant: str) -> None:
    """Every variant's files are type-checked and linted. The default answers' whole suite runs
    in test_passes_its_own_tests; the other variants' trees differ only in the rendered
    settings, README and env examples, so only the tests of the settings and of the starter's
    request run (each must run some: a pattern that matches nothing passes in node --test).
    """
    project.run("npm", "run", "--silent", "typecheck")
    project.run("npm", "run", "--silent", "lint")
    if variant != "defaults":
        for file, names in VARIANT_TESTS.items():
            pattern = f"--test-name-pattern={names}"
            ran = project.run("node", "--test", "--test-reporter=spec", pattern, file).stdout
            assert re.search(r"^ℹ pass [1-9]", ran, re.MULTILINE), ran


@pytest.mark.long
def test_passes_its_own_tests(installed: Installed) -> None:
    """`npm test`, the whole suite, with the user's OpenRouter and OpenAI variables and
    APP_ENV set to junk: no test sees them."""
    installed("typescript", "defaults").run("npm", "test", "--silent", env=JUNK_ENVIRONMENT)


def test_the_starter_imports_only_the_kits_public_face(project: Project) -> None:
    """src/main.ts is the user's: it reaches the kit through src/openrouter/index.ts alone."""
    source = (project.path / "src" / "main.ts").read_text(encoding="utf-8")
    local = re.findall(r'^(?:import|export|\}) .*from "(\.[^"]*)";$', source, re.MULTILINE)
    assert local == ["./openrouter/index.ts"]
    test = (project.path / "test" / "starter.test.ts").read_text(encoding="utf-8")
    local = re.findall(r'^(?:import|export|\}) .*from "(\.[^"]*)";$', test, re.MULTILINE)
    assert local == ["./openrouter/fake.ts"]
    lines = len(source.splitlines()) + len(test.splitlines())
    assert lines <= 300, f"the starter and its test are {lines} lines"


def test_the_title_survives_every_quoting(project: Project) -> None:
    """The generated defaults hold the exact title, and Node reads the env example back to it."""
    title = project.answers["app_title"].strip()
    script = (
        "import { DEFAULTS } from './src/openrouter/config.ts';"
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


def test_an_older_node_is_refused_in_one_line(copie: Any) -> None:
    """Every npm script first checks the Node.js version in plain JavaScript, and
    `npm install` refuses too (.npmrc engine-strict), instead of a stack trace."""
    project = render(copie, "typescript")
    old_node = provide_old_node()
    version = project.run(str(old_node / "node"), "--version").stdout.strip().removeprefix("v")
    npm_dir = Path(shutil.which("npm") or "npm").parent
    path = {"PATH": os.pathsep.join([str(old_node), str(npm_dir), project.env["PATH"]])}
    expected = (
        f"This project needs Node.js 22.18 or newer, but this is Node.js {version}:"
        " install a current Node.js (https://nodejs.org), then run npm install again."
    )

    install = project.run("npm", "install", "--no-audit", "--no-fund", env=path, check=False)
    assert install.returncode != 0 and '"node":">=22.18"' in install.stderr, install.stderr
    assert not (project.path / "node_modules").exists()

    for command in (["npm", "start"], ["npm", "run", "verify"], ["npm", "test"]):
        result = project.run(*command, env=path, check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert [line for line in output.splitlines() if "Node.js" in line] == [expected]
        assert "    at " not in output and "ERR_" not in output, output
