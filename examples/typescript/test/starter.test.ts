/**
 * The starter: npm start -- "prompt" streams one reply.
 *
 * Like the starter, this file is yours: copier update never changes it, so these tests keep
 * describing your starter as you change it.
 */

import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, test } from "node:test";

import { DEFAULT_ENVIRONMENT, DEFAULTS, ENVIRONMENTS } from "../src/config.ts";
import { CHAT, newKey } from "./fake-openrouter.ts";
import { Command, closedPort, projectDirectory, run, startFake, useFake } from "./fixtures.ts";
import { check, ROWS, Setup } from "./hostile-inputs.ts";

test("streams the reply through OpenRouter's processing comments", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  const { status, stdout, stderr } = await run("main", ["Say", "hello"], { cwd: directory });
  assert.deepEqual([status, stdout, stderr], [0, `${fake.reply}\n`, ""]);
  const request = JSON.parse(fake.requests.at(-1)?.body ?? "{}");
  assert.equal(request.stream, true);
  assert.equal(request.model, DEFAULTS.OPENROUTER_MODEL);
  assert.deepEqual(request.messages, [{ role: "user", content: "Say hello" }]);
  assert.equal(request.max_tokens, 1024, "a bounded reply, so a small credit limit is enough");
});

test("OPENROUTER_MAX_TOKENS bounds the reply", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake, { OPENROUTER_MAX_TOKENS: "64" });
  assert.equal((await run("main", ["Say hello"], { cwd: directory })).status, 0);
  assert.equal(JSON.parse(fake.requests.at(-1)?.body ?? "{}").max_tokens, 64);
});

test("a bad OPENROUTER_MAX_TOKENS is a configuration error", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake, { OPENROUTER_MAX_TOKENS: "all of them" });
  const { status, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 2);
  assert.ok(stderr.startsWith("error: OPENROUTER_MAX_TOKENS (all of them)"), stderr);
  assert.deepEqual(fake.requests, []);
});

test("HTTP 402 says max_tokens can be lowered", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  fake.affordableTokens = 27;
  const { status, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.match(stderr, /HTTP 402.*OPENROUTER_MAX_TOKENS/);
  assert.equal(stderr.split("\n").length, 2, stderr);
});

test("a mid-stream error ends with one clear line", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  fake.streamError = "Provider disconnected";
  const { status, stdout, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.ok(stdout.startsWith(fake.reply.split(" ")[0] ?? ""));
  assert.equal(stderr.split("\n").length, 2, stderr);
  assert.match(stderr, /mid-reply: Provider disconnected/);
});

const HTTP_ERRORS: [number, Record<string, string>, string][] = [
  [402, {}, "settings/credits"],
  [429, { "Retry-After": "7", "x-should-retry": "false" }, "Retry-After: 7"],
  [503, { "x-should-retry": "false" }, "status.openrouter.ai"],
];

for (const [code, headers, phrase] of HTTP_ERRORS) {
  test(`HTTP ${code} says what to do, without a stack trace or the key`, async (t) => {
    const fake = await startFake(t);
    const directory = projectDirectory(t);
    const key = useFake(directory, fake);
    fake.respond("/api/v1/chat/completions", code, { error: "Something went wrong", headers });
    const { status, stdout, stderr } = await run("main", ["Say hello"], { cwd: directory });
    assert.equal(status, 1);
    assert.equal(stdout, "", "no reply started, so there is no line to end");
    assert.ok(stderr.startsWith("error: ") && stderr.includes(phrase), stderr);
    assert.ok(!stderr.includes("    at "), "a stack trace was printed");
    assert.ok(!(stdout + stderr).includes(key), "the key was printed");
  });
}

test("an invalid key gets the checklist, never the key", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  const key = useFake(directory, fake, { OPENROUTER_API_KEY: newKey() });
  const { status, stdout, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.match(stderr, /HTTP 401.*revoked/);
  assert.ok(!(stdout + stderr).includes(key), "the key was printed");
});

test("a missing key is a configuration error", async (t) => {
  const { status, stderr } = await run("main", ["Say hello"], { cwd: projectDirectory(t) });
  assert.equal(status, 2);
  assert.match(stderr, /OPENROUTER_API_KEY is not set/);
  assert.match(stderr, /settings\/keys/);
});

test("an unreachable server is reported as such", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake, {
    OPENROUTER_BASE_URL: `http://127.0.0.1:${await closedPort()}/api/v1`,
  });
  const { status, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.match(stderr, /connection refused/);
});

test("a gzip bomb ends with one clear line", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  fake.gzipBomb(CHAT); // 1 GiB once inflated
  const { status, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.ok(stderr.startsWith("error: ") && stderr.includes("larger than 1 MiB"), stderr);
  assert.equal(stderr.split("\n").length, 2, stderr);
});

test("a stream line past 1 MiB is not read", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  const line = `data: {"choices": [{"delta": {"content": "${"x".repeat(2 ** 21)}"}}]}\n\n`;
  fake.respond(CHAT, 200, { body: line, contentType: "text/event-stream" });
  const { status, stdout, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.match(stderr, /larger than 1 MiB/);
  assert.ok(!stdout.includes("xxxx"));
});

test("a redirect is reported, never followed", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  useFake(directory, fake);
  fake.redirect(CHAT);
  const { status, stderr } = await run("main", ["Say hello"], { cwd: directory });
  assert.equal(status, 1);
  assert.match(stderr, /redirected the request to http:\/\/localhost:/);
  assert.ok(!stderr.includes("rejected the key"));
  assert.equal(fake.requests.length, 1);
});

describe("hostile inputs get one clear message and lose nothing", {
  concurrency: availableParallelism(),
}, () => {
  for (const row of ROWS.filter((each) => each.command === "start")) {
    test(row.name, async (t) => {
      const project = { environment: DEFAULT_ENVIRONMENT, environments: ENVIRONMENTS };
      const setup = new Setup(project, await startFake(t), projectDirectory(t));
      row.prepare(setup);
      await check(row, setup, async () => {
        const refuse = { unreadable: setup.unreadable, unchangeable: setup.unchangeable };
        const options = { cwd: setup.directory, env: setup.env, refuse };
        return new Command("main", ["Say hello", ...setup.args], options).exited;
      });
    });
  }
});
