"""The generated CI workflow: the project's checks on every push, and a daily key check."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import ROOT, FakeOpenRouter, Project


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


def test_the_daily_job_shows_an_expiring_key_in_the_summary_and_as_an_annotation(
    app: Project, fake: FakeOpenRouter, tmp_path: Path
) -> None:
    """The verify step's own script, run as GitHub runs it, against a key expiring in 10 days."""
    workflow = yaml.safe_load((app.path / ".github" / "workflows" / "ci.yml").read_text())
    script = workflow["jobs"]["verify-key"]["steps"][-1]["run"]
    fake.serve_model(app.answers["default_model"])
    expires = (datetime.now(timezone.utc) + timedelta(days=10, hours=-1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    key = fake.add_key(None, limit=50.0, limit_remaining=40.0, expires_at=expires)
    summary = tmp_path / "summary.md"
    ran = app.run(
        "bash",
        "-e",
        "-c",
        script,
        cwd=app.path,
        check=False,
        env={
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(tmp_path),
            "OPENROUTER_API_KEY": key,
            "OPENROUTER_BASE_URL": fake.base_url,
            "APP_ENV": "production",
        },
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    text = summary.read_text()
    assert text.startswith("### verify: production, passed with warnings\n"), text
    # 9 days and 23 hours: "10 day(s)" rounded up, "9" rounded down.
    expiring = re.compile(r"expires in (9|10) day\(s\)")
    assert "| key | warn | The key (" in text and expiring.search(text), text
    annotations = [line for line in ran.stdout.splitlines() if line.startswith("::")]
    assert [line.split("::")[1] for line in annotations] == ["warning title=verify key"]
    assert expiring.search(annotations[0]), annotations
    assert key not in ran.stdout + ran.stderr + text


PINNED = re.compile(r"^\s*(- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*$")


def pins(workflow: str) -> dict[str, str]:
    """Each action a workflow uses -> the commit it is pinned to; fails on an unpinned one."""
    found: dict[str, str] = {}
    for line in workflow.splitlines():
        if "uses:" in line:
            match = PINNED.match(line)
            assert match, f"not pinned to a commit, with its version beside it: {line}"
            assert found.setdefault(match[2], match[3]) == match[3], f"two pins for {match[2]}"
    return found


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_workflows_read_only_with_actions_pinned_and_dependabot_updating_them(
    copie: Any, language: str
) -> None:
    result = copie.copy(extra_answers={"language": language})
    assert result.exit_code == 0, result.exception
    text = (result.project_dir / ".github" / "workflows" / "ci.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values()), "no job asks more"
    template_ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert pins(text).items() <= pins(template_ci).items(), "the template's CI pins the same"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False

    dependabot = yaml.safe_load((result.project_dir / ".github" / "dependabot.yml").read_text())
    assert dependabot["version"] == 2
    ecosystems = {update["package-ecosystem"] for update in dependabot["updates"]}
    assert ecosystems == {"pip" if language == "python" else "npm", "github-actions"}
    assert all(update["directory"] == "/" for update in dependabot["updates"])
