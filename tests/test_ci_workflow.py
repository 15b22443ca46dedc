"""The generated CI workflow: the project's checks on every push, and a daily key check."""

from __future__ import annotations

import re
import subprocess
import sysconfig
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
    expected = "production" if "production" in environments else environments[-1]
    assert f"'{expected}'" in job["env"]["APP_ENV"]
    assert job["environment"] == {"name": job["env"]["APP_ENV"], "deployment": False}
    # The job knows whether the secret exists; only the verify step gets the key, so
    # installing (and the install scripts of every package) never sees it.
    assert job["env"]["HAS_KEY"] == "${{ secrets.OPENROUTER_API_KEY != '' }}"
    skip, *work = job["steps"]
    assert skip["if"] == "env.HAS_KEY != 'true'"
    assert all(step["if"] == "env.HAS_KEY == 'true'" for step in work), (
        "every step needs the secret"
    )
    assert [step for step in work if "secrets." in yaml.safe_dump(step)] == [work[-1]]
    assert work[-1]["env"] == {"OPENROUTER_API_KEY": "${{ secrets.OPENROUTER_API_KEY }}"}
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
            # A real app URL: the default, example.com, would warn in the config check too.
            "OPENROUTER_HTTP_REFERER": "https://research-assistant.app",
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


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    """zizmor at its strictest persona (auditor: pedantic and more), offline (no GitHub API,
    no network), ignoring any config; a file it cannot parse fails instead of being skipped."""
    command = [
        str(Path(sysconfig.get_path("scripts")) / "zizmor"),
        *("--offline", "--no-config", "--persona", "auditor"),
        *("--collect", "all", "--strict-collection"),
        *("--format", "plain", "--color", "never", "--no-progress"),
        *map(str, paths),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize(
    "environments", [["development", "staging", "production"], ["development", "staging"]]
)
def test_generated_workflows_and_dependabot_pass_zizmor_with_no_findings(
    copie: Any, language: str, environments: list[str]
) -> None:
    """Pinned actions, no persisted credentials, least privilege, no expansion in run:, the
    key scoped to one step of an environment's job, Dependabot with a cooldown and groups."""
    result = copie.copy(extra_answers={"language": language, "environments": environments})
    assert result.exit_code == 0, result.exception
    github = result.project_dir / ".github"
    audited = sorted(github.rglob("*.yml"))
    assert [path.relative_to(github).as_posix() for path in audited] == [
        "dependabot.yml",
        "workflows/ci.yml",
    ]
    ran = zizmor(result.project_dir)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "No findings to report" in ran.stdout, ran.stdout + ran.stderr
    for path in audited:
        assert f"completed {path}" in ran.stderr, f"zizmor did not audit {path}: {ran.stderr}"

    dependabot = yaml.safe_load((github / "dependabot.yml").read_text())
    for update in dependabot["updates"]:
        assert update["cooldown"]["default-days"] >= 7
        assert update["groups"], "one pull request per group, not one per package"


def test_the_template_repository_workflows_pass_zizmor_with_no_findings() -> None:
    ran = zizmor(ROOT)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "No findings to report" in ran.stdout, ran.stdout + ran.stderr
