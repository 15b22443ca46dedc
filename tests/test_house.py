"""The template keeps its own house as it keeps the houses it builds."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
