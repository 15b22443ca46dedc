"""Both fake OpenRouters (Python and TypeScript) answer as OpenRouter's API reference says.

tests/reference/openrouter.yml holds, per endpoint and error, the fields and JSON types of
the body and the line of OpenRouter's openapi.yaml they come from. Each fake runs as the
offline command users run (`python tests/openrouter/fake_server.py`, `npm run --silent fake`) and is
called with plain HTTP. The switchable behaviours (hostile answers, registries, modes) are
turned on through a small driver per language that calls the fake's own API by the same
names (snake_case / camelCase), so the two APIs stay parallel too.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml

from harness import ROOT, Project

REFERENCE = yaml.safe_load((Path(__file__).parent / "reference" / "openrouter.yml").read_text())
SHAPES: dict[str, Any] = REFERENCE["shapes"]
OPERATIONS: dict[str, Any] = REFERENCE["operations"]
PYTHON_FAKE = ROOT / "template" / "python" / "tests" / "openrouter" / "fake_server.py"
MANAGEMENT_KEY = "sk-or-v1-" + "6d" * 32
KEY = "sk-or-v1-" + "ab" * 32
DISABLED_KEY = "sk-or-v1-" + "cd" * 32
SPENT_KEY = "sk-or-v1-" + "ef" * 32
OTHER_WORKSPACE = "0df9e665-d932-5740-b2c7-b52af166bc11"
RESET_MS = 1_900_000_000_000
KEY_LINE = re.compile(r"OPENROUTER_API_KEY=sk-or-v1-[0-9a-f]{64}\n")
BASE_LINE = re.compile(r"OPENROUTER_BASE_URL=http://127\.0\.0\.1:(\d+)/api/v1\n")
LANGUAGES = ["python", "typescript"]


# --- checking bodies against the reference -----------------------------------------------


def problems(value: Any, kind: Any, where: str = "body") -> list[str]:
    """What keeps value from having this type of the reference (empty when it conforms)."""
    if isinstance(kind, dict):  # an inline object: every field required
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r:.80}"]
        found: list[str] = []
        for name, sub in kind.items():
            found += (
                problems(value[name], sub, f"{where}.{name}")
                if name in value
                else [f"{where}.{name}: missing"]
            )
        return found
    alternatives = [problems_of_one(value, one.strip(), where) for one in str(kind).split("|")]
    return [] if any(not found for found in alternatives) else alternatives[0]


def same(value: Any, allowed: Any) -> bool:
    """Equal and of the same JSON type (0 is not false, 1 is not true)."""
    return value == allowed and isinstance(value, bool) == isinstance(allowed, bool)


def problems_of_one(value: Any, kind: str, where: str) -> list[str]:
    if kind.startswith("="):  # a literal: "=true", "=chat.completion"
        literal = yaml.safe_load(kind[1:])
        return [] if same(value, literal) else [f"{where}: expected {literal!r}, got {value!r:.80}"]
    if kind.startswith("[") and kind.endswith("]"):
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {value!r:.80}"]
        return [
            found
            for i, item in enumerate(value)
            for found in problems(item, kind[1:-1], f"{where}[{i}]")
        ]
    if kind in SHAPES and "enum" in SHAPES[kind]:
        allowed = SHAPES[kind]["enum"]
        if any(same(value, one) for one in allowed):
            return []
        return [f"{where}: {value!r:.80} is not one of {kind} {allowed}"]
    if kind in SHAPES:
        shape = SHAPES[kind]
        if not isinstance(value, dict):
            return [f"{where}: expected {kind}, got {value!r:.80}"]
        found = problems(value, shape["required"], where)
        for name, sub in (shape.get("optional") or {}).items():
            if name in value:
                found += problems(value[name], sub, f"{where}.{name}")
        return found
    checks = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "null": lambda v: v is None,
    }
    assert kind in checks, f"the reference names an unknown type {kind!r}"
    return [] if checks[kind](value) else [f"{where}: expected {kind}, got {value!r:.80}"]


def check(answer: Answer, name: str) -> Any:
    """The answer has the status, body shape and message of reference entry `name`; its JSON."""
    entry = REFERENCE["responses"][name]
    assert answer.status == entry["status"], f"{name}: HTTP {answer.status} {answer.body[:300]!r}"
    document = answer.json()
    assert problems(document, entry["body"]) == [], f"{name} (openapi.yaml:{entry['spec']})"
    for header in entry.get("headers", []):
        assert header in answer.headers, f"{name}: no {header} header"
    if entry["status"] >= 400:
        assert document["error"]["code"] == entry["status"], "HTTP status = error.code"
        if "message" in entry:
            assert document["error"]["message"] == entry["message"]
        if "contains" in entry:
            assert entry["contains"] in document["error"]["message"]
        if "raw_contains" in entry:
            assert entry["raw_contains"] in document["error"]["metadata"]["raw"]
    return document


# --- talking to a fake ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    """A fake OpenRouter running in a process of its own."""

    process: subprocess.Popen[str]
    origin: str
    lines: list[str]

    def call(
        self,
        method: str,
        path: str,
        key: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request with plain HTTP; API paths are given without /api/v1."""
        url = urlsplit(self.origin)
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
        sent = dict(headers or {})
        if key is not None:
            sent["Authorization"] = f"Bearer {key}"
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            sent["Content-Type"] = "application/json"
        outside_api = path.startswith(("/auth?", "/hostile/"))  # the sign-in page; canned paths
        connection.request(method, path if outside_api else f"/api/v1{path}", data, sent)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        return answer

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        """Interrupt the whole process group, as Ctrl-C in a terminal does."""
        os.killpg(self.process.pid, sig)
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err


def launch(command: list[str], lines: int, **options: Any) -> Server:
    """Start a server process and read the first `lines` lines it prints."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **options,
    )
    stdout = process.stdout
    assert stdout is not None
    printed: list[str] = []
    reader = threading.Thread(
        target=lambda: printed.extend(stdout.readline() for _ in range(lines))
    )
    reader.start()
    reader.join(timeout=120)
    if reader.is_alive() or not all(printed):
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise AssertionError(f"{command} printed {printed} {out}\n{err}")
    return Server(process, "", printed)


def fake_command(
    language: str, project: Project | None, *args: str
) -> tuple[list[str], dict[str, Any]]:
    """The offline command of each language, as a generated project's README gives it."""
    if language == "python":
        return [sys.executable, str(PYTHON_FAKE), *args], {}
    assert project is not None
    extra = ["--", *args] if args else []
    return ["npm", "run", "--silent", "fake", *extra], {"cwd": project.path, "env": project.env}


@pytest.fixture(scope="module")
def typescript_project(request: pytest.FixtureRequest) -> Project:
    return request.getfixturevalue("typescript_app")  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=LANGUAGES)
def fake(request: pytest.FixtureRequest) -> Iterator[Server]:
    """Each language's fake, run as the offline command with a management key."""
    project = (
        request.getfixturevalue("typescript_project") if request.param == "typescript" else None
    )
    command, options = fake_command(request.param, project, "--management-key", MANAGEMENT_KEY)
    server = launch(command, 2, **options)
    base = BASE_LINE.fullmatch(server.lines[0])
    assert base, server.lines
    server.origin = f"http://127.0.0.1:{base.group(1)}"
    yield server
    server.stop()


def key_of(server: Server) -> str:
    return server.lines[1].strip().removeprefix("OPENROUTER_API_KEY=")


PYTHON_DRIVER = r"""
import json, re, sys
from fake_server import FakeOpenRouter, StalledListener

def snake(name):
    return re.sub(r"(?<=[a-z])(?=[A-Z0-9])", "_", name).lower()

fake = FakeOpenRouter().start()
stalled = StalledListener()
for name, args, options in json.loads(sys.argv[1]):
    if name == "set":
        setattr(fake, snake(args[0]), args[1])
    else:
        getattr(fake, snake(name))(*args, **{snake(k): v for k, v in options.items()})
print(json.dumps({"origin": fake.origin, "stalled": stalled.port}), flush=True)
sys.stdin.read()
fake.stop()
stalled.stop()
"""

TYPESCRIPT_DRIVER = r"""
import { pathToFileURL } from "node:url";
const { FakeOpenRouter, StalledListener } = await import(pathToFileURL(process.env.FAKE_MODULE).href);
const fake = await new FakeOpenRouter().start();
const stalled = await new StalledListener().start();
for (const [name, args, options] of JSON.parse(process.argv[1])) {
  if (name === "set") {
    fake[args[0]] = args[1];
  } else {
    const more = Object.keys(options).length ? [options] : [];
    fake[name](...args.map((arg) => arg ?? undefined), ...more);
  }
}
console.log(JSON.stringify({ origin: fake.origin, stalled: stalled.port }));
process.stdin.resume();
process.stdin.on("end", async () => {
  await fake.stop();
  await stalled.stop();
});
"""

# The switchable behaviours, all at once on paths of their own: [name, args, options] calls
# of the fake's API in camelCase (the Python driver turns them into snake_case).
RAW_JSON = '{"data": {"limit": NaN, "limit_remaining": Infinity, "usage": 1' + "0" * 400 + "}}"
SETUP: list[list[Any]] = [
    ["addKey", [KEY], {"limit": 5}],
    ["addKey", [DISABLED_KEY], {"disabled": True}],
    ["gzipBomb", ["/hostile/bomb"], {}],
    ["malformedStream", ["/hostile/malformed"], {}],
    ["resetMidStream", ["/hostile/reset"], {}],
    ["redirect", ["/hostile/moved"], {}],
    ["rawJson", ["/hostile/raw", RAW_JSON], {}],
    ["dataPolicy404", ["/hostile/policy"], {}],
    ["insufficientCredits", ["/hostile/credits"], {"requested": 4096, "affordable": 100}],
    ["providerRateLimit", ["/hostile/upstream"], {"provider": "Fireworks", "retryAfter": 7}],
    [
        "respond",
        ["/hostile/canned", 418],
        {"error": "I'm a teapot", "metadata": {"why": "tea"}, "userId": "user_x"},
    ],
    ["respond", ["/hostile/restored", 500], {"error": "gone soon"}],
    ["restore", ["/hostile/restored"], {}],
    ["respond", ["/hostile/only-post", 409], {"error": "Conflict", "method": "POST"}],
    ["drop", ["/hostile/dropped"], {}],
    ["drop", ["/hostile/dropped-delete", "DELETE"], {}],
    ["addAlias", ["~acme/model-latest", "acme/model-2"], {}],
    ["addUnroutableModel", ["acme/idle"], {}],
    ["addRouter", ["openrouter/free"], {}],
    ["serveModel", ["acme/tiny:beta"], {"context_length": None}],
    ["set", ["affordableTokens", 100], {}],
    ["set", ["authError", "access_denied"], {}],
    ["addKey", [SPENT_KEY], {"limit": 5}],
    ["exhaustKey", [SPENT_KEY], {}],
    ["rateLimit", ["/hostile/limited"], {"limit": 20, "remaining": 0, "resetMs": RESET_MS}],
    ["rateLimit", ["/hostile/limited-retry"], {"retryAfter": 9}],
    ["keyLimitExceeded", ["/hostile/key-limit"], {"reset": "monthly"}],
    ["serveModel", ["meta-llama/llama-3.3-70b-instruct:free"], {}],
    ["freeModelLimit", [], {}],
    ["failModel", ["acme/broken"], {}],
    ["failModel", ["acme/rate-limited"], {"status": 429, "message": "Rate limit exceeded"}],
    ["endpointDown", ["acme/shaky"], {"provider": "Together", "status": -5}],
    ["expireModel", ["acme/sunset", "2027-01-31"], {}],
]


@dataclass
class Driven:
    server: Server
    stalled_port: int


@pytest.fixture(scope="module", params=LANGUAGES)
def driven(request: pytest.FixtureRequest) -> Iterator[Driven]:
    """Each language's fake with every switchable behaviour on, through its own API."""
    calls = json.dumps(SETUP)
    if request.param == "python":
        env = {**os.environ, "PYTHONPATH": str(PYTHON_FAKE.parent)}
        server = launch([sys.executable, "-c", PYTHON_DRIVER, calls], 1, env=env)
    else:
        project: Project = request.getfixturevalue("typescript_project")
        fake_module = project.path / "test" / "openrouter" / "fake-server.ts"
        env = {**project.env, "FAKE_MODULE": str(fake_module)}
        command = ["node", "--input-type=module", "-e", TYPESCRIPT_DRIVER, calls]
        server = launch(command, 1, env=env, cwd=project.path)
    started = json.loads(server.lines[0])
    server.origin = started["origin"]
    yield Driven(server, started["stalled"])
    assert server.process.stdin is not None
    server.process.stdin.close()  # the drivers stop when their input ends
    assert server.process.wait(timeout=60) == 0


# --- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_command_prints_two_lines_then_serves_until_interrupted(
    language: str, request: pytest.FixtureRequest
) -> None:
    project = request.getfixturevalue("typescript_project") if language == "typescript" else None
    port = free_port()
    command, options = fake_command(language, project, "--port", str(port))
    server = launch(command, 2, **options)
    base = BASE_LINE.fullmatch(server.lines[0])
    assert base and base.group(1) == str(port), server.lines
    assert KEY_LINE.fullmatch(server.lines[1])
    server.origin = f"http://127.0.0.1:{port}"
    assert server.call("GET", "/key", key_of(server)).status == 200
    status, out, err = server.stop(signal.SIGINT)
    assert (out, err) == ("", ""), "exactly two lines, and nothing on stderr"
    if language == "python":
        assert status == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=10)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fake_itself_exits_0_quietly_on_ctrl_c_and_sigterm(
    language: str, sig: int, request: pytest.FixtureRequest
) -> None:
    """npm's own status on a signal is npm's; the fake process under it exits 0, saying nothing."""
    if language == "python":
        server = launch([sys.executable, str(PYTHON_FAKE)], 2)
    else:
        project: Project = request.getfixturevalue("typescript_project")
        server = launch(
            ["node", "test/openrouter/fake-server.ts"], 2, cwd=project.path, env=project.env
        )
    assert server.stop(sig) == (0, "", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_command_refuses_a_bad_port_in_one_line(
    language: str, request: pytest.FixtureRequest
) -> None:
    project = request.getfixturevalue("typescript_project") if language == "typescript" else None
    command, options = fake_command(language, project, "--port", "70000")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, **options)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        "--port" in result.stderr
        and "Traceback" not in result.stderr
        and "    at " not in result.stderr
    )


# --- GET /key -------------------------------------------------------------------------------


def test_key_reports_every_field_of_the_reference(fake: Server) -> None:
    key = key_of(fake)
    data = check(fake.call("GET", "/key", key), "key")["data"]
    assert data["is_management_key"] is False and data["label"].startswith("sk-or-v1-")
    assert key not in json.dumps(data), "the key itself is never echoed"
    management = check(fake.call("GET", "/key", MANAGEMENT_KEY), "key")["data"]
    assert management["is_management_key"] is True


def test_unknown_and_missing_keys_get_401(fake: Server) -> None:
    check(fake.call("GET", "/key", "sk-or-v1-" + "0" * 64), "key_unknown")
    check(fake.call("GET", "/key"), "key_missing")


# --- models ---------------------------------------------------------------------------------


def test_model_lookup_resolves_variants_routers_and_aliases(fake: Server) -> None:
    """In command mode every author/slug id is known; routers and ~aliases resolve."""
    for model in [
        "acme/any-model",
        "meta-llama/llama-3.3-70b-instruct:free",
        "openrouter/auto",
        "~openai/gpt-latest",
    ]:
        data = check(fake.call("GET", f"/model/{model}"), "model")["data"]
        assert data["id"] == model
    free = check(fake.call("GET", "/model/meta-llama/llama-3.3-70b-instruct%3Afree"), "model")[
        "data"
    ]
    assert free["pricing"]["prompt"] == "0"
    alias = check(fake.call("GET", "/model/~openai/gpt-latest"), "model")["data"]
    assert alias["alias_target"]["slug"].startswith("openai/")
    assert "alias_target" not in check(fake.call("GET", "/model/openrouter/auto"), "model")["data"]
    for unknown in ["~nobody/nothing-latest", "openrouter/no-such-router", "no-slash"]:
        check(fake.call("GET", f"/model/{unknown}"), "model_unknown")


def test_endpoints_list_providers_and_are_empty_for_routers_and_aliases(fake: Server) -> None:
    assert check(fake.call("GET", "/models/acme/any-model/endpoints"), "endpoints")["data"][
        "endpoints"
    ]
    for model in ["openrouter/auto", "~openai/gpt-latest"]:
        assert (
            check(fake.call("GET", f"/models/{model}/endpoints"), "endpoints")["data"]["endpoints"]
            == []
        )
    check(fake.call("GET", "/models/~nobody/nothing-latest/endpoints"), "endpoints_unknown")


def test_models_list_is_paged_as_the_reference_says(fake: Server) -> None:
    """Without offset and limit the whole list; with either, pages of 500 (at most 1000)."""
    whole = check(fake.call("GET", "/models"), "models_list")
    total = whole["total_count"]
    assert total == len(whole["data"]) > 1000 and whole["links"]["next"] is None
    first = check(fake.call("GET", "/models?limit=2"), "models_list")
    assert [m["id"] for m in first["data"]] == [m["id"] for m in whole["data"][:2]]
    assert (first["total_count"], first["links"]["next"]) == (
        total,
        "/api/v1/models?offset=2&limit=2",
    )
    page = check(fake.call("GET", "/models?offset=2"), "models_list")
    assert (
        len(page["data"]) == 500 and page["links"]["next"] == "/api/v1/models?offset=502&limit=500"
    )
    most = check(fake.call("GET", "/models?offset=1&limit=1000"), "models_list")
    assert len(most["data"]) == 1000
    last = check(fake.call("GET", f"/models?offset={total - 1}&limit=5"), "models_list")
    assert len(last["data"]) == 1 and last["links"]["next"] is None
    for query in ["limit=0", "limit=1001", "offset=-1", "limit=ten"]:
        check(fake.call("GET", f"/models?{query}"), "models_bad_query")


# --- chat -----------------------------------------------------------------------------------


def chat(server: Server, key: str, model: str, tokens: int | None = 16, **more: Any) -> Answer:
    """POST /chat/completions; tokens is max_tokens (None: not sent)."""
    body = {"model": model, "messages": [{"role": "user", "content": "Say hello"}], **more}
    if tokens is not None:
        body["max_tokens"] = tokens
    return server.call("POST", "/chat/completions", key, body)


def test_chat_answers_and_streams_as_the_reference_says(fake: Server) -> None:
    key = key_of(fake)
    reply = check(chat(fake, key, "acme/any-model"), "chat")
    assert reply["model"] == "acme/any-model" and reply["choices"][0]["message"]["content"]
    streamed = chat(fake, key, "acme/any-model", stream=True)
    chunks = check_stream(streamed, "chat_stream")
    assert ": OPENROUTER PROCESSING" in streamed.body.decode().split("\n") and chunks
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    routed = check(chat(fake, key, "openrouter/auto"), "chat")["model"]
    assert not routed.startswith("openrouter/"), "a router answers with the model it chose"
    assert check(chat(fake, key, "~openai/gpt-latest"), "chat")["model"].startswith("openai/")
    check(chat(fake, key, "not a model id"), "chat_unknown_model")
    check(chat(fake, MANAGEMENT_KEY, "acme/any-model"), "chat_management_key")


def check_stream(answer: Answer, name: str) -> list[dict[str, Any]]:
    """A 200 event stream whose every data: chunk has the body of entry `name`; the chunks."""
    entry = REFERENCE["responses"][name]
    assert answer.status == entry["status"], f"{name}: HTTP {answer.status} {answer.body[:300]!r}"
    assert answer.headers["Content-Type"].startswith("text/event-stream")
    lines = [line for line in answer.body.decode().split("\n") if line]
    assert lines[-1] == "data: [DONE]"
    chunks = [
        json.loads(line.removeprefix("data: ")) for line in lines[:-1] if line.startswith("data: ")
    ]
    for chunk in chunks:
        assert problems(chunk, entry["body"]) == [], f"{name} (openapi.yaml:{entry['spec']})"
    return chunks


def test_chats_report_usage_with_cost_and_who_served_them(fake: Server) -> None:
    """usage (with cost in USD) on replies and on the last chunk; model and provider on each."""
    key = key_of(fake)
    reply = check(chat(fake, key, "acme/any-model", None, max_completion_tokens=64), "chat")
    usage = reply["usage"]
    assert problems(usage, "ChatUsage") == [] and isinstance(usage["cost"], float)
    assert (
        usage["cost"] > 0
        and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    )
    assert reply["provider"] and reply["model"] == "acme/any-model"
    chunks = check_stream(chat(fake, key, "acme/any-model", None, stream=True), "chat_stream")
    assert all(chunk["model"] == "acme/any-model" and chunk["provider"] for chunk in chunks)
    assert "usage" in chunks[-1] and all("usage" not in chunk for chunk in chunks[:-1])
    assert chunks[-1]["usage"]["cost"] > 0
    free = check(chat(fake, key, "meta-llama/llama-3.3-70b-instruct:free"), "chat")
    assert free["usage"]["cost"] == 0


@pytest.mark.parametrize(
    "more",
    [
        {"models": ["acme/any-model", "acme/other-model"]},
        {"provider": {"sort": "price", "data_collection": "deny", "zdr": True}},
        {"provider": {"sort": {"by": "latency", "partition": "none"}, "allow_fallbacks": None}},
        {"provider": {"sort": "throughput", "data_collection": "allow", "zdr": False}},
        {"provider": None, "models": None, "max_completion_tokens": None},
    ],
    ids=["models", "price-deny-zdr", "sort-config", "throughput-allow", "nulls"],
)
def test_chat_accepts_fallbacks_and_provider_preferences(
    fake: Server, more: dict[str, Any]
) -> None:
    check(chat(fake, key_of(fake), "acme/any-model", None, **more), "chat")


@pytest.mark.parametrize(
    "more",
    [
        {"models": "acme/other-model"},
        {"models": [7]},
        {"provider": {"sort": "cheapest"}},
        {"provider": {"sort": {"by": "size"}}},
        {"provider": {"data_collection": "never"}},
        {"provider": {"zdr": "yes"}},
        {"provider": {"only": "openai"}},
        {"provider": {"fastest": True}},
        {"provider": "openai"},
        {"max_completion_tokens": "16"},
        {"max_tokens": 1.5},
        {"messages": "Say hello"},
    ],
    ids=[
        "models-text",
        "models-number",
        "sort-unknown",
        "sort-by-unknown",
        "data-collection-unknown",
        "zdr-text",
        "only-text",
        "unknown-preference",
        "provider-text",
        "tokens-text",
        "tokens-fraction",
        "messages-text",
    ],
)
def test_chat_type_checks_what_the_reference_types(fake: Server, more: dict[str, Any]) -> None:
    check(chat(fake, key_of(fake), "acme/any-model", None, **more), "chat_invalid")


def test_a_fallback_list_names_no_unknown_model(fake: Server) -> None:
    answer = chat(fake, key_of(fake), "acme/any-model", models=["acme/any-model", "not a model"])
    check(answer, "chat_unknown_model")


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_openai_models_refuse_fewer_than_16_tokens(fake: Server, field: str) -> None:
    key = key_of(fake)
    for model in ["openai/gpt-4o-mini", "~openai/gpt-latest"]:
        refused = check(chat(fake, key, model, None, **{field: 15}), "chat_below_minimum")
        assert refused["error"]["metadata"]["provider_name"] == "OpenAI"
        check(chat(fake, key, model, None, **{field: 16}), "chat")
    check(chat(fake, key, "acme/any-model", 1), "chat")


# --- the management API ---------------------------------------------------------------------


def test_a_management_key_creates_lists_updates_and_deletes_keys(fake: Server) -> None:
    created = check(
        fake.call(
            "POST",
            "/keys",
            MANAGEMENT_KEY,
            {"name": "app-development", "limit": 10, "limit_reset": "monthly"},
        ),
        "create_key",
    )
    key, data = created["key"], created["data"]
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", key)
    assert data["hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert (data["name"], data["limit"], data["limit_reset"], data["disabled"]) == (
        "app-development",
        10,
        "monthly",
        False,
    )
    assert check(fake.call("GET", "/key", key), "key")["data"]["limit"] == 10
    check(chat(fake, key, "acme/any-model"), "chat")

    listed = check(fake.call("GET", "/keys", MANAGEMENT_KEY), "list_keys")["data"]
    assert data["hash"] in [item["hash"] for item in listed]
    assert all(
        item["hash"] != hashlib.sha256(MANAGEMENT_KEY.encode()).hexdigest() for item in listed
    )
    check(fake.call("GET", f"/keys/{data['hash']}", MANAGEMENT_KEY), "get_key")

    patched = check(
        fake.call(
            "PATCH", f"/keys/{data['hash']}", MANAGEMENT_KEY, {"disabled": True, "limit": 20}
        ),
        "update_key",
    )
    assert patched["data"]["disabled"] is True and patched["data"]["limit"] == 20
    check(fake.call("GET", "/key", key), "key_unknown")
    hidden = check(fake.call("GET", "/keys", MANAGEMENT_KEY), "list_keys")["data"]
    assert data["hash"] not in [item["hash"] for item in hidden]
    shown = check(fake.call("GET", "/keys?include_disabled=true", MANAGEMENT_KEY), "list_keys")[
        "data"
    ]
    assert data["hash"] in [item["hash"] for item in shown]
    check(
        fake.call("PATCH", f"/keys/{data['hash']}", MANAGEMENT_KEY, {"disabled": False}),
        "update_key",
    )

    assert check(fake.call("DELETE", f"/keys/{data['hash']}", MANAGEMENT_KEY), "delete_key") == {
        "deleted": True
    }
    check(fake.call("GET", "/key", key), "key_unknown")
    for method in ["GET", "PATCH", "DELETE"]:
        check(
            fake.call(
                method, f"/keys/{data['hash']}", MANAGEMENT_KEY, {} if method == "PATCH" else None
            ),
            "unknown_hash",
        )
    assert check(fake.call("GET", "/credits", MANAGEMENT_KEY), "credits")


def test_keys_are_listed_newest_first_in_pages_of_100(fake: Server) -> None:
    hashes = [
        check(fake.call("POST", "/keys", MANAGEMENT_KEY, {"name": f"page-{i}"}), "create_key")[
            "data"
        ]["hash"]
        for i in range(101)
    ]
    first = check(fake.call("GET", "/keys", MANAGEMENT_KEY), "list_keys")["data"]
    assert len(first) == 100 and first[0]["hash"] == hashes[-1]
    rest = check(fake.call("GET", "/keys?offset=100", MANAGEMENT_KEY), "list_keys")["data"]
    assert hashes[0] in [item["hash"] for item in rest]
    check(fake.call("GET", "/keys?offset=-1", MANAGEMENT_KEY), "list_keys_bad_query")
    for digest in hashes:
        check(fake.call("DELETE", f"/keys/{digest}", MANAGEMENT_KEY), "delete_key")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": 7},
        {"name": "x", "limit": "10"},
        {"name": "x", "limit_reset": "yearly"},
        {"name": "x", "include_byok_in_limit": "yes"},
        {"name": "x", "expires_at": "2030-01-01T00:00Z"},
        {"name": "x", "expires_at": "2030-01-01T00:00:00+01:00"},
        {"name": "x", "expires_at": "2030-02-30T00:00:00Z"},
    ],
    ids=[
        "no-name",
        "empty-name",
        "name-not-text",
        "limit-text",
        "yearly",
        "byok-text",
        "minutes-only",
        "not-utc",
        "no-such-day",
    ],
)
def test_key_creation_is_validated_as_the_spec_says(fake: Server, body: dict[str, Any]) -> None:
    check(fake.call("POST", "/keys", MANAGEMENT_KEY, body), "create_key_invalid")


def test_key_creation_accepts_what_the_spec_allows(fake: Server) -> None:
    for body in [
        {"name": "x", "limit": None, "limit_reset": None, "expires_at": None},
        {
            "name": "x",
            "limit": 2.5,
            "limit_reset": "daily",
            "expires_at": "2030-01-01T00:00:00.250Z",
            "include_byok_in_limit": True,
        },
    ]:
        created = check(fake.call("POST", "/keys", MANAGEMENT_KEY, body), "create_key")
        check(fake.call("DELETE", f"/keys/{created['data']['hash']}", MANAGEMENT_KEY), "delete_key")


def test_only_management_keys_reach_the_management_api(fake: Server) -> None:
    """An ordinary key gets 401 where the spec documents only that, 403 where it has a 403."""
    key = key_of(fake)
    some_id = "550e8400-e29b-41d4-a716-446655440000"
    for method, path, body, refusal in [
        ("GET", "/keys", None, "ordinary_key_refused"),
        ("POST", "/keys", {"name": "x"}, "not_a_management_key"),
        ("GET", "/keys/abc", None, "ordinary_key_refused"),
        ("PATCH", "/keys/abc", {}, "ordinary_key_refused"),
        ("DELETE", "/keys/abc", None, "ordinary_key_refused"),
        ("GET", "/credits", None, "not_a_management_key"),
        ("GET", "/guardrails", None, "ordinary_key_refused"),
        ("GET", "/workspaces", None, "ordinary_key_refused"),
        ("POST", "/guardrails", {"name": "x"}, "not_a_management_key"),
        ("GET", "/guardrails/assignments/keys", None, "ordinary_key_refused"),
        ("GET", f"/guardrails/{some_id}", None, "ordinary_key_refused"),
        ("PATCH", f"/guardrails/{some_id}", {}, "ordinary_key_refused"),
        ("DELETE", f"/guardrails/{some_id}", None, "ordinary_key_refused"),
        ("GET", f"/guardrails/{some_id}/assignments/keys", None, "ordinary_key_refused"),
        (
            "POST",
            f"/guardrails/{some_id}/assignments/keys",
            {"key_hashes": ["x"]},
            "ordinary_key_refused",
        ),
        (
            "POST",
            f"/guardrails/{some_id}/assignments/keys/remove",
            {"key_hashes": ["x"]},
            "ordinary_key_refused",
        ),
    ]:
        check(fake.call(method, path, key, body), refusal)
        check(fake.call(method, path, "sk-or-v1-" + "0" * 64, body), "key_unknown")


def test_keys_are_listed_by_workspace(fake: Server) -> None:
    """GET /keys lists the default workspace's keys unless workspace_id names another."""
    created = check(
        fake.call(
            "POST",
            "/keys",
            MANAGEMENT_KEY,
            {"name": "elsewhere", "workspace_id": OTHER_WORKSPACE, "include_byok_in_limit": True},
        ),
        "create_key",
    )["data"]
    assert (created["workspace_id"], created["include_byok_in_limit"]) == (OTHER_WORKSPACE, True)
    default = check(fake.call("GET", "/keys", MANAGEMENT_KEY), "list_keys")["data"]
    assert created["hash"] not in [item["hash"] for item in default]
    other = check(
        fake.call("GET", f"/keys?workspace_id={OTHER_WORKSPACE}", MANAGEMENT_KEY), "list_keys"
    )["data"]
    assert [item["hash"] for item in other] == [created["hash"]]
    check(fake.call("GET", "/keys?workspace_id=nowhere", MANAGEMENT_KEY), "list_keys_bad_query")
    check(
        fake.call("POST", "/keys", MANAGEMENT_KEY, {"name": "x", "workspace_id": "nowhere"}),
        "create_key_invalid",
    )
    check(fake.call("DELETE", f"/keys/{created['hash']}", MANAGEMENT_KEY), "delete_key")


def new_guardrail(server: Server, **fields: Any) -> dict[str, Any]:
    body = {"name": "app-production", **fields}
    created = check(server.call("POST", "/guardrails", MANAGEMENT_KEY, body), "create_guardrail")
    return created["data"]  # type: ignore[no-any-return]


def test_guardrails_are_created_read_updated_and_deleted(fake: Server) -> None:
    made = new_guardrail(
        fake,
        description="Production budget",
        allowed_models=["acme/any-model", "acme/other-model"],
        limit_usd=25,
        reset_interval="monthly",
        enforce_zdr=True,
        enforce_zdr_openai=False,
    )
    assert (made["name"], made["limit_usd"], made["reset_interval"]) == (
        "app-production",
        25,
        "monthly",
    )
    assert made["allowed_models"] == ["acme/any-model", "acme/other-model"]
    assert made["enforce_zdr"] is True and made["enforce_zdr_anthropic"] is True
    assert made["enforce_zdr_openai"] is False, "an explicit per-provider value wins"
    assert made["updated_at"] is None and made["include_byok_in_budgets"] is False
    assert made["workspace_id"] and made["allowed_providers"] is None
    path = f"/guardrails/{made['id']}"
    assert check(fake.call("GET", path, MANAGEMENT_KEY), "get_guardrail")["data"] == made
    listed = check(fake.call("GET", "/guardrails", MANAGEMENT_KEY), "list_guardrails")
    assert made["id"] in [item["id"] for item in listed["data"]]
    assert listed["total_count"] == len(listed["data"])
    patched = check(
        fake.call(
            "PATCH",
            path,
            MANAGEMENT_KEY,
            {"limit_usd": 40, "allowed_models": ["acme/any-model"], "reset_interval": "weekly"},
        ),
        "update_guardrail",
    )["data"]
    assert (patched["limit_usd"], patched["allowed_models"], patched["reset_interval"]) == (
        40,
        ["acme/any-model"],
        "weekly",
    )
    assert patched["updated_at"] and patched["name"] == "app-production"
    assert check(fake.call("DELETE", path, MANAGEMENT_KEY), "delete_guardrail") == {"deleted": True}
    for method, tail, body in [
        ("GET", "", None),
        ("PATCH", "", {"limit_usd": 1}),
        ("DELETE", "", None),
        ("GET", "/assignments/keys", None),
        ("POST", "/assignments/keys", {"key_hashes": ["abc"]}),
        ("POST", "/assignments/keys/remove", {"key_hashes": ["abc"]}),
    ]:
        check(fake.call(method, path + tail, MANAGEMENT_KEY, body), "unknown_guardrail")


def test_keys_are_assigned_to_one_guardrail_at_a_time(fake: Server) -> None:
    first, second = new_guardrail(fake), new_guardrail(fake, name="app-staging")
    key = check(fake.call("POST", "/keys", MANAGEMENT_KEY, {"name": "guarded"}), "create_key")
    digest = key["data"]["hash"]
    assign = f"/guardrails/{first['id']}/assignments/keys"
    assigned = fake.call("POST", assign, MANAGEMENT_KEY, {"key_hashes": [digest, "0" * 64]})
    assert check(assigned, "assign_keys") == {"assigned_count": 1}, "unknown hashes are skipped"
    mine = check(fake.call("GET", assign, MANAGEMENT_KEY), "list_key_assignments")
    assert [(a["key_hash"], a["guardrail_id"], a["key_name"]) for a in mine["data"]] == [
        (digest, first["id"], "guarded")
    ]
    assert mine["total_count"] == 1
    moved = fake.call(
        "POST",
        f"/guardrails/{second['id']}/assignments/keys",
        MANAGEMENT_KEY,
        {"key_hashes": [digest]},
    )
    check(moved, "assign_keys")
    every = check(
        fake.call("GET", "/guardrails/assignments/keys?limit=500", MANAGEMENT_KEY),
        "list_key_assignments",
    )["data"]
    assert [a["guardrail_id"] for a in every if a["key_hash"] == digest] == [second["id"]]
    assert check(fake.call("GET", assign, MANAGEMENT_KEY), "list_key_assignments")["data"] == []
    removed = fake.call(
        "POST",
        f"/guardrails/{second['id']}/assignments/keys/remove",
        MANAGEMENT_KEY,
        {"key_hashes": [digest]},
    )
    assert check(removed, "unassign_keys") == {"unassigned_count": 1}
    for body in [{}, {"key_hashes": []}, {"key_hashes": [""]}, {"key_hashes": digest}]:
        check(fake.call("POST", assign, MANAGEMENT_KEY, body), "assign_keys_invalid")
        check(fake.call("POST", assign + "/remove", MANAGEMENT_KEY, body), "assign_keys_invalid")
    fake.call("POST", assign, MANAGEMENT_KEY, {"key_hashes": [digest]})
    check(fake.call("DELETE", f"/keys/{digest}", MANAGEMENT_KEY), "delete_key")
    assert check(fake.call("GET", assign, MANAGEMENT_KEY), "list_key_assignments")["data"] == []
    for made in (first, second):
        check(fake.call("DELETE", f"/guardrails/{made['id']}", MANAGEMENT_KEY), "delete_guardrail")


def test_workspaces_are_listed_and_paged(fake: Server) -> None:
    listed = check(fake.call("GET", "/workspaces", MANAGEMENT_KEY), "list_workspaces")
    assert listed["total_count"] == len(listed["data"]) >= 1
    assert listed["data"][0]["id"] == "7d6a4c3e-0f1b-4e59-9a2d-5b8c1e0f4a7d"  # the default
    for query in ["limit=1", "limit=0", "limit=101", "offset=1"]:
        check(fake.call("GET", f"/workspaces?{query}", MANAGEMENT_KEY), "list_workspaces")


def test_guardrail_lists_are_paged_and_by_workspace(fake: Server) -> None:
    here = new_guardrail(fake, name="paged")
    there = new_guardrail(fake, name="elsewhere", workspace_id=OTHER_WORKSPACE)
    default = check(fake.call("GET", "/guardrails?limit=100", MANAGEMENT_KEY), "list_guardrails")
    assert here["id"] in [g["id"] for g in default["data"]]
    assert there["id"] not in [g["id"] for g in default["data"]]
    other = check(
        fake.call("GET", f"/guardrails?workspace_id={OTHER_WORKSPACE}", MANAGEMENT_KEY),
        "list_guardrails",
    )
    assert [g["id"] for g in other["data"]] == [there["id"]] and other["total_count"] == 1
    one = check(fake.call("GET", "/guardrails?limit=1", MANAGEMENT_KEY), "list_guardrails")
    assert len(one["data"]) == 1 and one["total_count"] >= 1
    for query in ["limit=0", "limit=101", "offset=-1", "workspace_id=nowhere"]:
        check(fake.call("GET", f"/guardrails?{query}", MANAGEMENT_KEY), "guardrails_bad_query")
    for made in (here, there):
        check(fake.call("DELETE", f"/guardrails/{made['id']}", MANAGEMENT_KEY), "delete_guardrail")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "x", "description": "d" * 1001},
        {"name": "x", "limit_usd": "10"},
        {"name": "x", "reset_interval": "yearly"},
        {"name": "x", "allowed_models": []},
        {"name": "x", "allowed_models": "acme/any-model"},
        {"name": "x", "allowed_providers": [1]},
        {"name": "x", "enforce_zdr": "yes"},
        {"name": "x", "include_byok_in_budgets": None},
        {"name": "x", "workspace_id": "nowhere"},
    ],
    ids=[
        "no-name",
        "empty-name",
        "long-name",
        "long-description",
        "limit-text",
        "yearly",
        "no-models",
        "models-text",
        "providers-numbers",
        "zdr-text",
        "byok-null",
        "workspace-not-uuid",
    ],
)
def test_guardrail_bodies_are_validated_as_the_spec_says(
    fake: Server, body: dict[str, Any]
) -> None:
    check(fake.call("POST", "/guardrails", MANAGEMENT_KEY, body), "create_guardrail_invalid")
    if body and "workspace_id" not in body:  # PATCH takes the same fields but workspace_id
        made = new_guardrail(fake, name="to-patch")
        path = f"/guardrails/{made['id']}"
        check(fake.call("PATCH", path, MANAGEMENT_KEY, body), "update_guardrail_invalid")
        check(fake.call("DELETE", path, MANAGEMENT_KEY), "delete_guardrail")


# --- OAuth ----------------------------------------------------------------------------------


def challenge_for(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def authorize(server: Server, **query: str) -> Answer:
    return server.call("GET", "/auth?" + urlencode(query))


def exchange(server: Server, code: str, verifier: str, method: str | None = "S256") -> Answer:
    return server.call(
        "POST",
        "/auth/keys",
        body={"code": code, "code_verifier": verifier, "code_challenge_method": method},
    )


def test_oauth_issues_a_policy_key_through_the_callback(fake: Server) -> None:
    verifier = "v" * 43
    callback = "http://127.0.0.1:3000/callback"
    sent = authorize(
        fake,
        callback_url=callback,
        code_challenge=challenge_for(verifier),
        code_challenge_method="S256",
        limit="10",
        key_label="app-development",
    )
    assert sent.status == 302
    location = urlsplit(sent.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == callback
    code = parse_qs(location.query)["code"][0]
    issued = check(exchange(fake, code, verifier), "exchange")
    data = check(fake.call("GET", "/key", issued["key"]), "key")["data"]
    assert (data["label"], data["limit"], data["limit_remaining"]) == ("app-development", 10, 10)
    check(exchange(fake, code, verifier), "exchange_bad_code")  # single use


def test_oauth_headless_shows_the_code_on_a_page(fake: Server) -> None:
    verifier = "w" * 64
    page = authorize(
        fake,
        code_challenge=challenge_for(verifier),
        code_challenge_method="S256",
        key_label="app-staging",
    )
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    code = re.search(r"<code id='code'>([^<]+)</code>", page.body.decode())
    assert code, page.body
    check(exchange(fake, code.group(1), verifier), "exchange")
    assert authorize(fake, key_label="no-challenge").status == 400, "headless needs a challenge"


def test_oauth_exchange_refuses_bad_verifiers_methods_and_verbs(fake: Server) -> None:
    def fresh_code(method: str = "S256") -> str:
        sent = authorize(
            fake,
            callback_url="http://127.0.0.1:3000/callback",
            code_challenge=challenge_for("v" * 43),
            code_challenge_method=method,
        )
        return parse_qs(urlsplit(sent.headers["Location"]).query)["code"][0]

    check(exchange(fake, fresh_code(), "u" * 43), "exchange_bad_code")
    check(exchange(fake, fresh_code(), "v" * 43, "plain"), "exchange_bad_method")
    check(exchange(fake, fresh_code(), "v" * 43, "S512"), "exchange_bad_method")
    check(exchange(fake, "never-issued", "v" * 43), "exchange_bad_code")
    check(fake.call("GET", "/auth/keys"), "exchange_not_post")


def test_every_other_path_is_an_html_404(fake: Server) -> None:
    for path in ["/", "/v1/chat/completions", "/api/v1/nothing-here"]:
        url = urlsplit(fake.origin)
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
        connection.request("GET", path)
        answer = connection.getresponse()
        assert answer.status == 404 and answer.headers["Content-Type"].startswith("text/html")
        connection.close()


# --- what tests switch on ---------------------------------------------------------------------


def test_registered_aliases_unroutable_models_and_routers(driven: Driven) -> None:
    fake = driven.server
    alias = check(fake.call("GET", "/model/~acme/model-latest"), "model")["data"]
    assert alias["alias_target"]["slug"] == "acme/model-2"
    assert (
        check(fake.call("GET", "/models/~acme/model-latest/endpoints"), "endpoints")["data"][
            "endpoints"
        ]
        == []
    )
    assert check(chat(fake, KEY, "~acme/model-latest"), "chat")["model"] == "acme/model-2"
    check(fake.call("GET", "/model/acme/idle"), "model")
    assert (
        check(fake.call("GET", "/models/acme/idle/endpoints"), "endpoints")["data"]["endpoints"]
        == []
    )
    check(chat(fake, KEY, "acme/idle"), "chat_unroutable")
    check(fake.call("GET", "/model/openrouter/free"), "model")
    tiny = check(fake.call("GET", "/model/acme/tiny:beta"), "model")["data"]
    assert tiny["context_length"] is None, "serve_model's info overrides the Model"
    assert check(fake.call("GET", "/models/acme/tiny/endpoints"), "endpoints")["data"]["endpoints"]
    check(fake.call("GET", "/model/acme/not-registered"), "model_unknown")


def test_keys_can_be_disabled_and_chat_can_be_short_of_credits(driven: Driven) -> None:
    fake = driven.server
    check(fake.call("GET", "/key", DISABLED_KEY), "key_unknown")
    assert check(fake.call("GET", "/key", KEY), "key")["data"]["limit"] == 5
    short = check(chat(fake, KEY, "google/gemini-2.5-flash-lite", 1024), "chat_fewer_max_tokens")
    assert "requested up to 1024 tokens, but can only afford 100" in short["error"]["message"]
    check(chat(fake, KEY, "google/gemini-2.5-flash-lite", None), "chat_fewer_max_tokens")
    check(chat(fake, KEY, "google/gemini-2.5-flash-lite", 16), "chat")


def test_canned_errors_carry_openrouter_words_metadata_and_user_id(driven: Driven) -> None:
    fake = driven.server
    check(fake.call("POST", "/hostile/policy", KEY, {}), "chat_data_policy")
    check(fake.call("POST", "/hostile/credits", KEY, {}), "chat_fewer_max_tokens")
    upstream = fake.call("POST", "/hostile/upstream", KEY, {})
    assert (
        check(upstream, "chat_provider_rate_limited")["error"]["metadata"]["provider_name"]
        == "Fireworks"
    )
    assert upstream.headers["Retry-After"] == "7"
    canned = fake.call("GET", "/hostile/canned")
    assert (canned.status, canned.json()) == (
        418,
        {
            "error": {"code": 418, "message": "I'm a teapot", "metadata": {"why": "tea"}},
            "user_id": "user_x",
        },
    )
    restored = fake.call("GET", "/hostile/restored")
    assert restored.status == 404 and restored.headers["Content-Type"].startswith("text/html")


def test_a_failing_model_gives_way_to_the_next_of_models(driven: Driven) -> None:
    """The response's model says which one answered; all failing: the last one's error."""
    fake = driven.server
    fallbacks = ["acme/broken", "acme/rate-limited", "acme/model-2"]
    reply = check(chat(fake, KEY, "acme/broken", 16, models=fallbacks), "chat")
    assert reply["model"] == "acme/model-2" and reply["usage"]["cost"] > 0
    streamed = chat(fake, KEY, "acme/broken", 16, models=fallbacks, stream=True)
    chunks = check_stream(streamed, "chat_stream")
    assert {chunk["model"] for chunk in chunks} == {"acme/model-2"}
    down = check(chat(fake, KEY, "acme/broken", 16), "chat_model_down")
    assert down["error"]["metadata"]["error_type"] == "provider_overloaded"
    last = chat(fake, KEY, "acme/broken", 16, models=["acme/broken", "acme/rate-limited"])
    assert last.status == 429 and last.json()["error"]["message"] == "Rate limit exceeded"
    alone = check(chat(fake, KEY, "acme/model-2", 16, models=["acme/broken"]), "chat")
    assert alone["model"] == "acme/model-2", "model comes first, then models"


def test_openrouter_limits_carry_rate_limit_headers(driven: Driven) -> None:
    fake = driven.server
    limited = fake.call("POST", "/hostile/limited", KEY, {})
    check(limited, "chat_rate_limited")
    assert (
        limited.headers["X-RateLimit-Limit"],
        limited.headers["X-RateLimit-Remaining"],
        limited.headers["X-RateLimit-Reset"],
    ) == ("20", "0", str(RESET_MS))
    assert "Retry-After" not in limited.headers, "only when configured"
    retry = fake.call("POST", "/hostile/limited-retry", KEY, {})
    check(retry, "chat_rate_limited")
    assert retry.headers["Retry-After"] == "9"
    reset = int(retry.headers["X-RateLimit-Reset"])
    assert reset > time.time() * 1000, "milliseconds since the epoch, in the future"
    capped = chat(fake, KEY, "meta-llama/llama-3.3-70b-instruct:free")
    check(capped, "chat_free_model_limit")
    assert capped.headers["X-RateLimit-Limit"] == "50"
    assert "Retry-After" not in capped.headers
    paid = ["meta-llama/llama-3.3-70b-instruct:free", "meta-llama/llama-3.3-70b-instruct"]
    assert check(chat(fake, KEY, paid[0], models=paid), "chat")["model"] == paid[1], (
        "the next model answers past the free cap"
    )


def test_a_key_out_of_its_own_limit_is_refused(driven: Driven) -> None:
    fake = driven.server
    spent = check(fake.call("GET", "/key", SPENT_KEY), "key")["data"]
    assert (spent["limit"], spent["limit_remaining"]) == (5, 0)
    check(chat(fake, SPENT_KEY, "acme/model-2"), "chat_key_exhausted")
    refused = check(fake.call("POST", "/hostile/key-limit", KEY, {}), "chat_key_limit_exceeded")
    assert "monthly" in refused["error"]["message"]


def test_endpoints_can_be_down_and_models_can_expire(driven: Driven) -> None:
    fake = driven.server
    endpoints = check(fake.call("GET", "/models/acme/shaky/endpoints"), "endpoints")["data"]
    assert [(e["provider_name"], e["status"]) for e in endpoints["endpoints"]] == [
        ("DeepInfra", 0),
        ("Together", -5),
    ]
    assert check(chat(fake, KEY, "acme/shaky"), "chat")["provider"] == "DeepInfra"
    sunset = check(fake.call("GET", "/model/acme/sunset"), "model")["data"]
    assert sunset["expiration_date"] == "2027-01-31"
    listed = check(fake.call("GET", "/models"), "models_list")["data"]
    assert [m["expiration_date"] for m in listed if m["id"] == "acme/sunset"] == ["2027-01-31"]
    assert (
        check(fake.call("GET", "/model/acme/model-2"), "model")["data"]["expiration_date"] is None
    )


def test_canned_answers_can_be_limited_to_a_method_and_dropped(driven: Driven) -> None:
    """drop() closes the connection without a byte: a network error at one step of a flow."""
    fake = driven.server
    assert fake.call("POST", "/hostile/only-post", KEY, {}).status == 409
    assert fake.call("GET", "/hostile/only-post").status == 404, "other methods answer as usual"
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        fake.call("GET", "/hostile/dropped")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        fake.call("DELETE", "/hostile/dropped-delete")
    assert fake.call("GET", "/hostile/dropped-delete").status == 404


def test_a_gzip_bomb_is_small_on_the_wire_and_inflates_to_a_gigabyte(driven: Driven) -> None:
    bomb = driven.server.call("GET", "/hostile/bomb")
    assert bomb.status == 200 and bomb.headers["Content-Encoding"] == "gzip"
    assert 900_000 < len(bomb.body) < 1_200_000
    inflater = zlib.decompressobj(wbits=31)  # checks the trailer's CRC-32 and size at the end
    first = inflater.decompress(bomb.body, 1 << 20)
    assert first and not first.strip(b" "), "spaces"
    inflated, data = len(first), inflater.unconsumed_tail
    while data:
        inflated += len(inflater.decompress(data, 64 << 20))  # bounded, as clients must be
        data = inflater.unconsumed_tail
    assert inflater.eof and inflated == 1 << 30, "a whole gzip member with a valid CRC"


def test_streams_break_as_asked(driven: Driven) -> None:
    malformed = driven.server.call("POST", "/hostile/malformed", KEY, {"stream": True})
    lines = [line for line in malformed.body.decode().split("\n") if line.startswith("data: ")]
    assert len(lines) == 2 and json.loads(lines[0].removeprefix("data: "))["choices"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[1].removeprefix("data: "))
    with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
        driven.server.call("POST", "/hostile/reset", KEY, {"stream": True})


def test_a_redirect_points_at_another_origin(driven: Driven) -> None:
    moved = driven.server.call("GET", "/hostile/moved")
    assert moved.status == 307
    location = urlsplit(moved.headers["Location"])
    assert (location.hostname, location.path) == ("localhost", "/hostile/moved")
    assert f"{location.scheme}://{location.netloc}" != driven.server.origin


def test_raw_json_is_sent_as_it_is(driven: Driven) -> None:
    raw = driven.server.call("GET", "/hostile/raw")
    assert raw.status == 200 and raw.body.decode() == RAW_JSON
    assert raw.headers["Content-Type"] == "application/json"


def test_oauth_can_be_denied(driven: Driven) -> None:
    denied = authorize(
        driven.server,
        callback_url="http://127.0.0.1:3000/callback",
        code_challenge=challenge_for("v" * 43),
        code_challenge_method="S256",
    )
    assert denied.status == 302
    assert parse_qs(urlsplit(denied.headers["Location"]).query) == {"error": ["access_denied"]}


def test_the_stalled_listener_accepts_and_never_speaks(driven: Driven) -> None:
    """A TLS ClientHello gets no answer: the handshake of an https base URL stalls."""
    with socket.create_connection(("127.0.0.1", driven.stalled_port), timeout=10) as connection:
        connection.sendall(b"\x16\x03\x01\x00\x05hello")
        connection.settimeout(0.5)
        with pytest.raises(TimeoutError):
            connection.recv(1)


# --- the reference itself ---------------------------------------------------------------


def test_every_answer_has_a_status_its_operation_documents() -> None:
    placed = {name for operation in OPERATIONS.values() for name in operation["responses"]}
    assert placed == set(REFERENCE["responses"]), "each entry belongs to an operation"
    for operation, about in OPERATIONS.items():
        for name in about["responses"]:
            status = REFERENCE["responses"][name]["status"]
            assert status in about["statuses"], f"{operation} documents no {status} ({name})"


def test_every_answer_of_the_reference_is_checked_by_a_test() -> None:
    """A table entry no test checks would let a missing required field pass unnoticed."""
    source = Path(__file__).read_text()
    unchecked = [
        name
        for name in REFERENCE["responses"]
        if not re.search(rf'"{name}",?\s*\)', source)  # the last argument of a check
    ]
    assert unchecked == []


def test_every_shape_the_reference_names_is_defined() -> None:
    names = re.compile(r"[A-Z][A-Za-z]+")
    kinds = [
        kind
        for shape in SHAPES.values()
        for part in ("required", "optional")
        for kind in (shape.get(part) or {}).values()
    ] + [json.dumps(entry["body"]) for entry in REFERENCE["responses"].values()]
    for kind in kinds:
        for name in names.findall(str(kind)):
            assert name in SHAPES, f"{name} is not a shape of the reference"


def test_every_operation_of_the_reference_is_served(fake: Server) -> None:
    """Each answers as an API does (JSON, not the HTML 404 of an unknown path)."""
    sample = {
        "{author}/{slug}": "acme/any-model",
        "{hash}": "0" * 64,
        "{id}": "550e8400-e29b-41d4-a716-446655440000",
    }
    for operation in OPERATIONS:
        method, path = operation.split(" ")
        for placeholder, value in sample.items():
            path = path.replace(placeholder, value)
        body = {} if method in ("POST", "PATCH") else None
        answer = fake.call(method, path, MANAGEMENT_KEY, body)
        assert answer.headers["Content-Type"].startswith("application/json"), operation


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
