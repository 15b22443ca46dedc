"""Env files read the same in both languages: exactly as Node 24's util.parseEnv reads them.

template/shared/env-files.yml holds the cases both projects test themselves with. Here every
case is checked against Node itself (the reference), against the TypeScript project's
envfile.read() (a file: the byte-order mark dropped, strict UTF-8) and against the Python
project's parser and reader, which port Node's. Then thousands of random files compare the
Python parser with Node's, and bytes that are not UTF-8 must be reported at the same offset.
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import pytest
import yaml

from harness import ROOT, Project

CASES: dict[str, list[Any]] = yaml.safe_load(
    (ROOT / "template" / "shared" / "env-files.yml").read_text(encoding="utf-8")
)
WRITES: dict[str, list[str]] = yaml.safe_load(
    (ROOT / "template" / "shared" / "env-writes.yml").read_text(encoding="utf-8")
)
#: Stands for the key in the write cases: shaped like one, never one.
KEY = "sk-or-v1-" + "0f" * 32

# Reads each file (name -> base64 bytes) with util.parseEnv (the text, without a byte-order
# mark) and with the project's envfile.read(), which may refuse it (a Problem).
NODE_READER = """
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { read } from "./src/openrouter/envfile.ts";

const files = JSON.parse(await new Response(process.stdin).text());
const directory = mkdtempSync(join(tmpdir(), "env-files-"));
const results = {};
for (const [name, encoded] of Object.entries(files)) {
  const data = Buffer.from(encoded, "base64");
  const path = join(directory, name);
  writeFileSync(path, data);
  const text = data.toString("utf8").replace(/^\\uFEFF/, "");
  let variables = null;
  let problem = null;
  try {
    variables = { ...read(path) };
  } catch (error) {
    problem = error.text.message.replace(name, "<file>");
  }
  results[name] = { parseEnv: { ...parseEnv(text) }, read: variables, problem };
}
console.log(JSON.stringify(results));
"""

# The same with the Python project's envfile: parse() on the text, read() on the file.
PYTHON_READER = """
import base64, json, sys, tempfile
from pathlib import Path
from {package}.openrouter import envfile
from {package}.openrouter.catalog import Problem

files = json.load(sys.stdin)
directory = Path(tempfile.mkdtemp(prefix="env-files-"))
results = {{}}
for name, encoded in files.items():
    data = base64.b64decode(encoded)
    path = directory / name
    path.write_bytes(data)
    try:
        result = {{"read": envfile.read(path), "problem": None}}
    except Problem as problem:
        result = {{"read": None, "problem": problem.text.message.replace(name, "<file>", 1)}}
    result["parse"] = envfile.parse(data.decode("utf-8", "replace").removeprefix("\\ufeff"))
    results[name] = result
print(json.dumps(results))
"""

# Random texts for the two parsers: each is Node's, ported; any difference is a bug.
PARSE_WITH_NODE = """
import { parseEnv } from "node:util";
const texts = JSON.parse(await new Response(process.stdin).text());
console.log(JSON.stringify(texts.map((text) => ({ ...parseEnv(text) }))));
"""
PARSE_WITH_PYTHON = """
import json, sys
from {package}.openrouter.envfile import parse
print(json.dumps([parse(text) for text in json.load(sys.stdin)]))
"""
PIECES = [
    *("A", "B_2", "export", "export ", "=", "#", " ", "\t", "\n", "\r", "\r\n", "\u00a0"),
    *('"', "'", "`", "\\n", "x y", "é", "=value", "# note", "\ufeff", ".", "-"),
]


def encoded(files: dict[str, bytes]) -> str:
    return json.dumps({name: base64.b64encode(data).decode() for name, data in files.items()})


def read_with_node(app: Project, files: dict[str, bytes]) -> dict[str, Any]:
    command = ["node", "--input-type=module", "-e", NODE_READER]
    return dict(json.loads(app.run(*command, input=encoded(files)).stdout))


def read_with_python(app: Project, files: dict[str, bytes]) -> dict[str, Any]:
    command = ["python", "-c", PYTHON_READER.format(package=app.package)]
    return dict(json.loads(app.run(*command, input=encoded(files)).stdout))


@pytest.fixture(scope="module")
def cases_read(python_app: Project, typescript_app: Project) -> dict[str, dict[str, Any]]:
    """Every case, read by Node, by the TypeScript project and by the Python project."""
    files = {f"case-{name}": text.encode() for name, (text, _) in CASES.items()}
    node, python = read_with_node(typescript_app, files), read_with_python(python_app, files)
    return {
        name: {"typescript": node[f"case-{name}"], "python": python[f"case-{name}"]}
        for name in CASES
    }


@pytest.mark.parametrize("name", list(CASES))
def test_each_case_reads_as_node_reads_it_in_both_projects(
    name: str, cases_read: dict[str, dict[str, Any]]
) -> None:
    _, expected = CASES[name]
    node, python = cases_read[name]["typescript"], cases_read[name]["python"]
    assert node["parseEnv"] == expected, "the table disagrees with Node's util.parseEnv"
    assert node["read"] == expected, "the TypeScript project's envfile.read()"
    assert python["parse"] == expected, "the Python project's envfile.parse()"
    assert python["read"] == expected, "the Python project's envfile.read()"


def test_the_python_parser_is_nodes_on_random_files(
    python_app: Project, typescript_app: Project
) -> None:
    chance = random.Random(20261127)  # the same files every run
    texts = [
        "".join(chance.choice(PIECES) for _ in range(chance.randint(0, 16))) for _ in range(5000)
    ]
    node = json.loads(
        typescript_app.run(
            "node", "--input-type=module", "-e", PARSE_WITH_NODE, input=json.dumps(texts)
        ).stdout
    )
    python = json.loads(
        python_app.run(
            "python",
            "-c",
            PARSE_WITH_PYTHON.format(package=python_app.package),
            input=json.dumps(texts),
        ).stdout
    )
    different = [(text, n, p) for text, n, p in zip(texts, node, python, strict=True) if n != p]
    assert not different, f"{len(different)} files read differently, e.g. {different[:3]}"


# Writing a key into texts: each writer's result, or "problem" where it refuses.
WRITE_WITH_NODE = """
import { parseEnv } from "node:util";
import { withKey } from "./src/openrouter/envfile.ts";
const { key, texts } = JSON.parse(await new Response(process.stdin).text());
const written = texts.map((text) => {
  try {
    return withKey(text, key, "<file>");
  } catch {
    return "problem";
  }
});
const read = (text) => ({ ...parseEnv(text.replace(/^\\uFEFF/, "")) });
console.log(JSON.stringify({ written, before: texts.map(read), after: written.map(read) }));
"""
WRITE_WITH_PYTHON = """
import json, sys
from {package}.openrouter import Problem
from {package}.openrouter.envfile import with_key
given = json.load(sys.stdin)
written = []
for text in given["texts"]:
    try:
        written.append(with_key(text, given["key"], "<file>"))
    except Problem:
        written.append("problem")
print(json.dumps(written))
"""


def write_in_both(
    python_app: Project, typescript_app: Project, texts: list[str]
) -> tuple[dict[str, Any], list[str]]:
    given = json.dumps({"key": KEY, "texts": texts})
    node = typescript_app.run(
        "node", "--input-type=module", "-e", WRITE_WITH_NODE, input=given
    ).stdout
    python = python_app.run(
        "python", "-c", WRITE_WITH_PYTHON.format(package=python_app.package), input=given
    ).stdout
    return json.loads(node), json.loads(python)


def test_each_write_case_changes_only_the_key_for_node_in_both_projects(
    python_app: Project, typescript_app: Project
) -> None:
    texts = [before for before, _ in WRITES.values()]
    node, python = write_in_both(python_app, typescript_app, texts)
    for index, (name, (_, after)) in enumerate(WRITES.items()):
        expected = after.replace("{key}", KEY)
        assert node["after"][index] == {**node["before"][index], "OPENROUTER_API_KEY": KEY}, name
        assert (node["written"][index], python[index]) == (expected, expected), name


def test_both_writers_change_only_the_key_on_random_files(
    python_app: Project, typescript_app: Project
) -> None:
    chance = random.Random(20261128)  # the same files every run
    pieces = [*PIECES, "OPENROUTER_API_KEY", "OPENROUTER_API_KEY=", "export OPENROUTER_API_KEY="]
    texts = [
        "".join(chance.choice(pieces) for _ in range(chance.randint(0, 16))) for _ in range(3000)
    ]
    node, python = write_in_both(python_app, typescript_app, texts)
    different = [
        (text, n, p) for text, n, p in zip(texts, node["written"], python, strict=True) if n != p
    ]
    assert not different, f"{len(different)} files written differently, e.g. {different[:3]}"
    for text, written, before, after in zip(
        texts, node["written"], node["before"], node["after"], strict=True
    ):
        if written != "problem":
            assert after == {**before, "OPENROUTER_API_KEY": KEY}, (text, written)
    refused = node["written"].count("problem")
    assert refused < len(texts) // 10, f"{refused} of {len(texts)} files refused"


NOT_UTF8 = {
    "latin1": b"A=Caf\xe9\n",
    "stray-continuation": b"A=\x80\n",
    "truncated-at-end": b"A=\xe2\x82",
    "bad-continuation": b"A=\xe2\x28\xa1\n",
    "overlong": b"A=\xc0\xaf\n",
    "surrogate": b"A=\xed\xa0\x80\n",
    "above-unicode": b"A=\xf4\x90\x80\x80\n",
    "after-a-real-replacement-character": b"A=\xef\xbf\xbd\xff\n",
    "after-a-byte-order-mark": b"\xef\xbb\xbfA=\xff\n",
}


def test_both_projects_name_the_same_first_bad_byte(
    python_app: Project, typescript_app: Project
) -> None:
    node, python = read_with_node(typescript_app, NOT_UTF8), read_with_python(python_app, NOT_UTF8)
    for name, data in NOT_UTF8.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            offset = error.start
        expected = f"<file> is not UTF-8 text: the first bad byte is at offset {offset}."
        assert (node[name]["problem"], python[name]["problem"]) == (expected, expected), name
