"""Both languages' keys command, against one fake OpenRouter, in every scenario of the shared table.

template/shared/keys-scenarios.yml says what must happen; a rendered Python
project's tests/openrouter/keys_scenarios.py sets each scenario up; tests/scenario_player.py
runs the command as its user would (a process; Ctrl-C when the fake has the
request) in the Python and the TypeScript project alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from harness import Project
from scenario_player import TABLE, play_both


@pytest.mark.parametrize("name", list(TABLE["keys"]))
def test_both_languages_do_the_same(
    name: str,
    keys_scenarios: ModuleType,
    python_app: Project,
    typescript_app: Project,
    tmp_path: Path,
) -> None:
    played = play_both(keys_scenarios, name, python_app, typescript_app, tmp_path)
    if name in ("list_json", "list_json_hostile_names"):
        # The same JSON but for the hashes (each run's fake makes its own keys).
        rows = {
            language: sorted(
                ({**row, "hash": None} for row in json.loads(run.out)["keys"]),
                key=lambda row: str(row["name"]),
            )
            for language, run in played.items()
        }
        assert rows["python"] == rows["typescript"]
