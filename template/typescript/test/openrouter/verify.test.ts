// Maintained by the OpenRouter app template: copier update replaces this file.
/** verify: eight checks, exit status 0/1/2, --json, and the key never printed. */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import { parseEnv } from "node:util";

import { CHECKS, POLICY } from "../../src/openrouter/catalog.ts";
import { DEFAULT_ENVIRONMENT, DEFAULTS, ENVIRONMENTS } from "../../src/openrouter/config.ts";
import { isConcrete, main } from "../../src/openrouter/verify.ts";
import { cleanEnvironment, projectDirectory, type Ran, run, startFake } from "./fixtures.ts";
import { type Project, SCENARIOS, type Scenario, Setup, scenariosFor } from "./verify-scenarios.ts";

/** What must never reach a terminal raw: control and format characters, line separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Whether the text holds any of them, besides line breaks and tabs. */
function unprintable(text: string): boolean {
  return UNPRINTABLE.test(text.replaceAll(/[\n\t]/g, ""));
}

const PROJECT: Project = {
  environment: DEFAULT_ENVIRONMENT,
  environments: ENVIRONMENTS,
  ceiling: POLICY[DEFAULT_ENVIRONMENT].limitUsd,
};

interface Report {
  ok: boolean;
  environment: string;
  checks: { name: string; status: string; message: string; hint: string | null }[];
  key: Record<string, unknown> | null;
}

function verify(setup: Setup, ...more: string[]) {
  return run("verify", [...setup.args, ...more], { cwd: setup.directory, env: setup.env });
}

/** Make process.env hold exactly these variables. */
function replaceEnvironment(variables: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) {
    if (!(name in variables)) {
      delete process.env[name];
    }
  }
  Object.assign(process.env, variables);
}

/**
 * verify --json in this process, as `node src/openrouter/verify.ts` would run in setup.directory
 * with setup.env: much faster than a process each. The environment and the working directory
 * belong to the process, so these run one at a time.
 */
async function verifyHere(setup: Setup): Promise<Ran> {
  const [environment, directory] = [{ ...process.env }, process.cwd()];
  replaceEnvironment(cleanEnvironment(setup.env));
  process.chdir(setup.directory);
  let stdout = "";
  try {
    const status = await main([...setup.args, "--json"], { write: (text) => (stdout += text) });
    return { status, stdout, stderr: "" };
  } finally {
    process.chdir(directory);
    replaceEnvironment(environment);
  }
}

/** Set the scenario up, run verify --json, and check its report against the table. */
async function holds(t: TestContext, scenario: Scenario) {
  const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
  t.after(() => setup.close());
  await scenario.prepare(setup);

  // With --timeout, as a process: the deadline holds for the whole command, its exit included
  // (a stalled TLS handshake must not keep Node running).
  const timed = setup.args.includes("--timeout");
  const started = performance.now();
  const json = await (timed ? verify(setup, "--json") : verifyHere(setup));
  const limit = 3 + (timed ? 1 : 10);
  assert.ok(performance.now() - started < limit * 1000, "verify ran past its deadline");
  const report = JSON.parse(json.stdout) as Report; // JSON.parse refuses NaN: strict JSON
  assert.equal(json.status, scenario.exitCode, json.stdout);
  assert.equal(report.ok, json.status === 0);
  assert.deepEqual(
    report.checks.map((check) => check.name),
    [...CHECKS],
  );
  assert.equal(report.checks.map((check) => check.status).join(" "), scenario.statuses);
  const text = report.checks.map((check) => `${check.message} ${check.hint}`).join(" ");
  assert.ok(text.includes(setup.expected(scenario.phrase)), text);
  assert.ok(!text.includes("{"), "a placeholder was left unfilled");

  const envFiles = readdirSync(setup.directory).filter((name) => name.startsWith(".env"));
  const keys = [
    ...setup.fake.keys.keys(),
    ...Object.values(setup.env),
    ...envFiles.map(
      (name) => parseEnv(readFileSync(join(setup.directory, name), "utf8")).OPENROUTER_API_KEY,
    ),
  ];
  const printed = json.stdout + json.stderr;
  const leaked = keys.filter((key) => key && key.length > 12 && printed.includes(key));
  assert.deepEqual(leaked, [], "a key was printed");
  assert.ok(!unprintable(printed), `raw control characters: ${JSON.stringify(printed)}`);
}

// One at a time: most run in this process (verifyHere).
describe("verify reports", () => {
  for (const scenario of scenariosFor(PROJECT)) {
    test(scenario.name, (t) => holds(t, scenario));
  }
});

// The human report says what --json says; a few situations cover its layout.
const HOSTILE = ["hostile_error_message", "hostile_key_label", "hostile_model_name"];
for (const name of ["all_good", "revoked_key", "no_key", "timeout_out_of_range", ...HOSTILE]) {
  test(`the human report (${name}) has every check and --json's exit status`, async (t) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    assert.ok(scenario);
    const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
    await scenario.prepare(setup);
    const human = await verify(setup);
    assert.equal(human.status, scenario.exitCode);
    // A bad command line is one line on stderr; anything else, the whole report.
    assert.ok(CHECKS.every((check) => human.stdout.includes(check)) || /error:/.test(human.stderr));
    const printed = human.stdout + human.stderr;
    assert.ok(!setup.key || !printed.includes(setup.key), "a key was printed");
    assert.ok(!unprintable(printed), `raw control characters: ${JSON.stringify(printed)}`);
  });
}

test("--json holds what GET /key reported, never the key", async (t) => {
  const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
  const key = setup.goodKey({ label: "sk-or-v1-abc...def", usage_daily: 0.25 });
  const { status, stdout } = await verify(setup, "--json");
  const report = JSON.parse(stdout) as Report;
  assert.equal(status, 0);
  assert.equal(report.environment, DEFAULT_ENVIRONMENT);
  assert.equal(report.key?.label, "sk-or-v1-abc...def");
  assert.equal(report.key?.limit, 5.0);
  assert.equal(report.key?.usage_daily, 0.25);
  assert.ok(!stdout.includes(key));
});

test("the requests go out together, without the catalogue or retries", async (t) => {
  const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
  setup.goodKey();
  setup.args.push("--chat");
  setup.fake.latency = 500; // long enough for requests sent together to overlap at the fake
  const { status } = await verify(setup);
  assert.equal(status, 0);
  // GET /key, GET /model/{id}, the endpoints of a concrete model, and the chat.
  const sent = isConcrete(DEFAULTS.OPENROUTER_MODEL) ? 4 : 3;
  assert.equal(setup.fake.maxInFlight, sent, "the requests must go out together");
  assert.ok(!setup.fake.paths().includes("/api/v1/models"));
  assert.equal(setup.fake.requests.length, sent);
  const chat = setup.fake.requests.find((request) => request.path.endsWith("/completions"));
  const body = JSON.parse(chat?.body ?? "{}");
  assert.equal(body.max_completion_tokens, 16, "OpenAI-served models refuse fewer");
  assert.equal(body.max_tokens, undefined, "deprecated");

  setup.fake.latency = 0;
  setup.fake.respond("/api/v1/key", 503, { error: "Service Unavailable" });
  await verify(setup);
  const asked = setup.fake.paths().filter((path) => path === "/api/v1/key");
  assert.equal(asked.length, 2, "verify reports; it must not retry");
});

const BAD_COMMAND_LINES = [
  ["--bogus"],
  ["--timeout", "0"],
  ["--timeout", "soon"],
  ["--timeout", "0.0005"],
  ["--timeout", "86401"],
  ["--timeout", "NaN"],
  ["--timeout", "Infinity"],
];

for (const argv of BAD_COMMAND_LINES) {
  test(`a bad command line (${argv.join(" ")}) exits 2, with --json too`, async (t) => {
    const cwd = projectDirectory(t);
    const human = await run("verify", argv, { cwd });
    assert.equal(human.status, 2);
    assert.match(human.stderr, /error:/);
    const json = await run("verify", [...argv, "--json"], { cwd });
    assert.equal(json.status, 2);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.ok, false);
    assert.equal(report.checks[0]?.status, "fail");
  });
}

test("no colour when stdout is not a terminal", async (t) => {
  const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
  setup.goodKey();
  const { stdout } = await verify(setup);
  assert.ok(!stdout.includes("\x1b["));
});

test("fallback models are checked in the same round trip, listed under the model check", async (t) => {
  const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
  const fallbacks = ["anthropic/claude-haiku-4.5", "openrouter/auto"];
  setup.fake.serveModel(fallbacks[0] ?? "");
  const more = { OPENROUTER_MODEL: "openai/gpt-5.2", OPENROUTER_FALLBACK_MODELS: fallbacks.join() };
  setup.writeEnv(setup.fake.addKey(undefined, { limit: 5.0 }), { more });
  setup.fake.latency = 500;
  const { status, stdout } = await verify(setup, "--json");
  assert.equal(status, 0);
  // GET /key; GET /model and the endpoints of each concrete model; a router's GET /model.
  assert.equal(setup.fake.maxInFlight, 6, "the requests must go out together");
  assert.equal(setup.fake.requests.length, 6);
  const report = JSON.parse(stdout) as Report;
  const model = report.checks.find((check) => check.name === "model") as Record<string, unknown>;
  const models = model.models as { model: string; status: string }[];
  assert.deepEqual(
    models.map((entry) => entry.model),
    ["openai/gpt-5.2", ...fallbacks],
  );
  assert.ok(models.every((entry) => entry.status === "pass"));
});
