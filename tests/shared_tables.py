"""template/shared/tables.json: the shared YAML tables, as copier reads them.

The YAML files in template/shared are the source: people edit them. Copier
parses what a template hands it with the pure-Python YAML parser, which made
parsing the tables a sixth of every `copier copy`; JSON it parses at C speed.
So the template reads this JSON twin, written from the YAML, and
tests/test_examples.py holds it equal to them. After changing a table
(tests/example_projects.py runs this too):

    .venv/bin/python tests/shared_tables.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "template" / "shared"
TABLES_JSON = SHARED / "tables.json"
REFRESH = ".venv/bin/python tests/shared_tables.py"
#: Each table's name in the templates, and its file.
TABLES = {
    "catalog": "catalog.yml",
    "verify_scenarios": "verify-scenarios.yml",
    "keys_scenarios": "keys-scenarios.yml",
    "env_files": "env-files.yml",
    "env_writes": "env-writes.yml",
    "hostile_inputs": "hostile-inputs.yml",
}
# Jinja reads the file through {% include %}: in a string, "{{", "{%" and "{#" would open a
# tag. No JSON token but a string holds them, and \u007b is the same "{" to a JSON parser.
JINJA_OPENING = re.compile(r"\{(?=[{%#])")


def as_json(data: object) -> str:
    """data as JSON that a Jinja {% include %} passes through unchanged."""
    return JINJA_OPENING.sub(r"\\u007b", json.dumps(data, ensure_ascii=False, indent=1)) + "\n"


def expected(shared: Path = SHARED) -> str:
    """The JSON twin of the YAML tables in shared, as it should be on disk."""
    return as_json(
        {
            name: yaml.safe_load((shared / file).read_text(encoding="utf-8"))
            for name, file in TABLES.items()
        }
    )


def write(shared: Path = SHARED) -> None:
    """Write the JSON twin of the YAML tables in shared (a template's template/shared)."""
    (shared / TABLES_JSON.name).write_text(expected(shared), encoding="utf-8")


def main() -> None:
    write()
    print(f"wrote {TABLES_JSON.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
