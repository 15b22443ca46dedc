"""Both languages' keys command, against one fake OpenRouter, in every scenario of the shared table.

template/shared/keys-scenarios.yml says what must happen; a rendered Python
project's tests/keys_scenarios.py sets each scenario up; tests/scenario_player.py
runs the command as its user would (a process; Ctrl-C when the fake has the
request) in the Python and the TypeScript project alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from harness import Project
from scenario_player import TABLE, load_scenarios, play, same_words


@pytest.fixture(scope="module")
def scenarios(python_app: Project) -> ModuleType:
    return load_scenarios(python_app)


@pytest.mark.parametrize("name", list(TABLE["keys"]))
def test_both_languages_do_the_same(
    name: str, scenarios: ModuleType, python_app: Project, typescript_app: Project, tmp_path: Path
) -> None:
    scenario = next(scenario for scenario in scenarios.SCENARIOS if scenario.name == name)
    played = {
        app.language: play(app, scenarios, scenario, tmp_path / app.language)
        for app in (python_app, typescript_app)
    }
    if scenario.exit_code == 2:
        # Refused before any request: the same words, whichever language says them.
        python = same_words(played["python"], python_app)
        assert python == same_words(played["typescript"], typescript_app), python
    if name == "list_json":
        # The same JSON but for the hashes (each run's fake makes its own keys).
        rows = {
            language: sorted(
                ({**row, "hash": None} for row in json.loads(run.out)["keys"]),
                key=lambda row: str(row["name"]),
            )
            for language, run in played.items()
        }
        assert rows["python"] == rows["typescript"]
