"""The template keeps its own house as it keeps the houses it builds."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from harness import ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_the_template_code_passes_ruff(command: list[str]) -> None:
    """tests/ and bench/ follow the generated projects' ruff rules (ruff.toml)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


PINNED = re.compile(r"^\s*(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def test_the_template_ci_has_least_privilege_and_pinned_actions() -> None:
    """No permission unless a job asks for it; every action pinned to a commit, its version beside it."""
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, f"job {name}"
    uses = [line for line in text.splitlines() if "uses:" in line]
    assert uses, "the workflow uses actions"
    assert not [line for line in uses if not PINNED.match(line)], "pin actions to full commit SHAs"
