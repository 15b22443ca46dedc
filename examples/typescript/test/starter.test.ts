/**
 * The starter: npm start --silent -- "prompt" streams one reply.
 *
 * Like the starter, this file is yours: copier update never changes it, so these tests keep
 * describing your starter as you change it. fakeOpenRouter() (test/openrouter/fake.ts) is a fake
 * OpenRouter on 127.0.0.1 and a project directory pointed at it: reuse it for your own tests.
 */

import assert from "node:assert/strict";
import { test } from "node:test";

import { CHAT, closedPort, fakeOpenRouter, newKey } from "./openrouter/fake.ts";

test("streams the reply through OpenRouter's processing comments", async (t) => {
  const app = await fakeOpenRouter(t);
  const { status, stdout, stderr } = await app.run(["Say", "hello"]);
  assert.deepEqual([status, stdout], [0, `${app.fake.reply}\n`]);
  assert.match(stderr, /^2 in, \d+ out, \$0\.0/, "what the reply cost, on stderr");
  const request = app.lastRequest();
  assert.equal(request.stream, true);
  assert.equal(request.model, app.settings().model);
  assert.deepEqual(request.messages, [{ role: "user", content: "Say hello" }]);
  assert.equal(request.max_completion_tokens, 1024, "bounded, so a small credit limit is enough");
});

test("OPENROUTER_MAX_TOKENS bounds the reply", async (t) => {
  const app = await fakeOpenRouter(t);
  assert.equal((await app.run(["Say hello"], { OPENROUTER_MAX_TOKENS: "64" })).status, 0);
  assert.equal(app.lastRequest().max_completion_tokens, 64);
});

test("a bad OPENROUTER_MAX_TOKENS is a configuration error", async (t) => {
  const app = await fakeOpenRouter(t, { OPENROUTER_MAX_TOKENS: "all of them" });
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 2);
  assert.ok(stderr.startsWith("error: OPENROUTER_MAX_TOKENS (all of them)"), stderr);
  assert.deepEqual(app.fake.requests, []);
});

test("HTTP 402 says max_tokens can be lowered", async (t) => {
  const app = await fakeOpenRouter(t);
  app.fake.affordableTokens = 27;
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.match(stderr, /HTTP 402.*OPENROUTER_MAX_TOKENS/);
  assert.equal(stderr.split("\n").length, 2, stderr);
});

test("a mid-stream error ends with one clear line", async (t) => {
  const app = await fakeOpenRouter(t);
  app.fake.streamError = "Provider disconnected";
  const { status, stdout, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.ok(stdout.startsWith(app.fake.reply.split(" ")[0] ?? ""));
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
    const app = await fakeOpenRouter(t);
    app.fake.respond(CHAT, code, { error: "Something went wrong", headers });
    const { status, stdout, stderr } = await app.run(["Say hello"]);
    assert.equal(status, 1);
    assert.equal(stdout, "", "no reply started, so there is no line to end");
    assert.ok(stderr.startsWith("error: ") && stderr.includes(phrase), stderr);
    assert.ok(!stderr.includes("    at "), "a stack trace was printed");
    assert.ok(!(stdout + stderr).includes(app.key), "the key was printed");
  });
}

test("an invalid key gets the checklist, never the key", async (t) => {
  const app = await fakeOpenRouter(t, { OPENROUTER_API_KEY: newKey() });
  const { status, stdout, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.match(stderr, /HTTP 401.*revoked/);
  assert.ok(!(stdout + stderr).includes(app.key), "the key was printed");
});

test("a missing key is a configuration error", async (t) => {
  const app = await fakeOpenRouter(t, { OPENROUTER_API_KEY: "" });
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 2);
  assert.match(stderr, /OPENROUTER_API_KEY is not set/);
  assert.match(stderr, /settings\/keys/);
});

test("an unreachable server is reported as such", async (t) => {
  const app = await fakeOpenRouter(t, {
    OPENROUTER_BASE_URL: `http://127.0.0.1:${await closedPort()}/api/v1`,
  });
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.match(stderr, /connection refused/);
});

test("a gzip bomb ends with one clear line", async (t) => {
  const app = await fakeOpenRouter(t);
  app.fake.gzipBomb(CHAT); // 1 GiB once inflated
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.ok(stderr.startsWith("error: ") && stderr.includes("larger than 1 MiB"), stderr);
  assert.equal(stderr.split("\n").length, 2, stderr);
});

test("a stream line past 1 MiB is not read", async (t) => {
  const app = await fakeOpenRouter(t);
  const line = `data: {"choices": [{"delta": {"content": "${"x".repeat(2 ** 21)}"}}]}\n\n`;
  app.fake.respond(CHAT, 200, { body: line, contentType: "text/event-stream" });
  const { status, stdout, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.match(stderr, /larger than 1 MiB/);
  assert.ok(!stdout.includes("xxxx"));
});

test("a redirect is reported, never followed", async (t) => {
  const app = await fakeOpenRouter(t);
  app.fake.redirect(CHAT);
  const { status, stderr } = await app.run(["Say hello"]);
  assert.equal(status, 1);
  assert.match(stderr, /redirected the request to http:\/\/localhost:/);
  assert.ok(!stderr.includes("rejected the key"));
  assert.equal(app.fake.requests.length, 1);
});
