"""The generated CI workflow: the project's checks on every push, and a daily key check."""

from __future__ import annotations

from typing import Any

import pytest
import yaml


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize(
    "environments", [["development", "staging", "production"], ["development", "staging"]]
)
def test_a_daily_job_verifies_the_key_only_when_the_secret_exists(
    copie: Any, language: str, environments: list[str]
) -> None:
    result = copie.copy(extra_answers={"language": language, "environments": environments})
    assert result.exit_code == 0, result.exception
    workflow = yaml.safe_load((result.project_dir / ".github" / "workflows" / "ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "pull_request" in triggers
    assert triggers["schedule"][0]["cron"]

    test = workflow["jobs"]["test"]
    assert test["if"] == "github.event_name != 'schedule'"
    commands = " ".join(step.get("run", "") for step in test["steps"])
    assert (
        ("pytest" in commands and "mypy" in commands)
        if language == "python"
        else "npm run check" in commands
    )

    job = workflow["jobs"]["verify-key"]
    assert "schedule" in job["if"]
    assert job["env"]["OPENROUTER_API_KEY"] == "${{ secrets.OPENROUTER_API_KEY }}"
    expected = "production" if "production" in environments else environments[-1]
    assert f"'{expected}'" in job["env"]["APP_ENV"]
    skip, *work = job["steps"]
    assert skip["if"] == "env.OPENROUTER_API_KEY == ''"
    assert all(step["if"] == "env.OPENROUTER_API_KEY != ''" for step in work), (
        "every step needs the secret"
    )
    assert "verify" in work[-1]["run"] and "--json" in work[-1]["run"]
