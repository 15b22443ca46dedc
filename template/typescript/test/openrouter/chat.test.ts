// Maintained by the OpenRouter app template: copier update replaces this file.
/** chatOptions() and usageLine(): what requests send, what replies cost, in the starter too. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { chatOptions, usageLine } from "../../src/openrouter/index.ts";
import { CHAT, fakeOpenRouter } from "./fake.ts";
import { MODEL, OPENAI_MODEL } from "./fake-server.ts";

const FALLBACK = "anthropic/claude-haiku-4.5";

test("chatOptions holds only what is set", async (t) => {
  const app = await fakeOpenRouter(t);
  assert.deepEqual(chatOptions(app.settings()), { max_completion_tokens: 1024 });
});

test("chatOptions carries fallbacks and provider preferences", async (t) => {
  const app = await fakeOpenRouter(t);
  const settings = app.settings({
    OPENROUTER_MODEL: MODEL,
    OPENROUTER_FALLBACK_MODELS: ` ${FALLBACK} ,${OPENAI_MODEL}`,
    OPENROUTER_PROVIDER_SORT: "Throughput",
    OPENROUTER_DATA_COLLECTION: "deny",
    OPENROUTER_ZDR: "false",
    OPENROUTER_MAX_TOKENS: "64",
  });
  assert.deepEqual(chatOptions(settings, { max_completion_tokens: 16 }), {
    max_completion_tokens: 16,
    models: [MODEL, FALLBACK, OPENAI_MODEL],
    provider: { sort: "throughput", data_collection: "deny", zdr: false },
  });
});

const BAD_SETTINGS = [
  ["OPENROUTER_PROVIDER_SORT", "cheapest", "price, throughput, latency"],
  ["OPENROUTER_DATA_COLLECTION", "maybe", "allow, deny"],
  ["OPENROUTER_ZDR", "yes", "true, false"],
  ["OPENROUTER_FALLBACK_MODELS", "a/b,,c/d", "comma-separated"],
  ["OPENROUTER_FALLBACK_MODELS", "a/b c/d", "comma-separated"],
] as const;

for (const [variable, value, allowed] of BAD_SETTINGS) {
  test(`a bad ${variable} (${value}) stops the starter, naming it`, async (t) => {
    const app = await fakeOpenRouter(t, { [variable]: value });
    const { status, stderr } = await app.run(["Say hello"], {}, "starter");
    assert.equal(status, 2);
    assert.ok(stderr.startsWith(`error: ${variable} (${value})`), stderr);
    assert.ok(stderr.includes(allowed), stderr);
    assert.equal(stderr.split("\n").length, 2, stderr);
    assert.deepEqual(app.fake.requests, []);
  });
}

test("usageLine reads a completion or a last chunk", () => {
  const usage: Record<string, unknown> = { prompt_tokens: 12, completion_tokens: 48 };
  usage.cost = 0.000123;
  const reply: Record<string, unknown> = { model: "openai/gpt-4o-mini", provider: "OpenAI" };
  reply.usage = usage;
  assert.equal(usageLine(reply), "12 in, 48 out, $0.000123, openai/gpt-4o-mini via OpenAI");
  usage.cost = 0.0000000042;
  assert.equal(usageLine(reply), "12 in, 48 out, $0.000000004, openai/gpt-4o-mini via OpenAI");
  usage.cost = 0;
  assert.equal(usageLine(reply), "12 in, 48 out, $0.000000, openai/gpt-4o-mini via OpenAI");
  delete reply.provider;
  delete usage.cost;
  assert.equal(usageLine(reply), "12 in, 48 out, openai/gpt-4o-mini");
});

test("no usage is no line", () => {
  const replies = [null, undefined, {}, { usage: null }, { usage: { prompt_tokens: "12" } }, "x"];
  for (const reply of [...replies, { model: "a/b" }]) {
    assert.equal(usageLine(reply), undefined, JSON.stringify(reply));
  }
});

test("server text in the line is escaped", () => {
  const reply = {
    model: "acme/\x1b[2Jmodel",
    provider: "Evil\u202eCo",
    usage: { prompt_tokens: 1, completion_tokens: 2, cost: 0.5 },
  };
  assert.equal(usageLine(reply), "1 in, 2 out, $0.500000, acme/\\u001b[2Jmodel via Evil\\u202eCo");
});

test("the starter prints what the reply cost", async (t) => {
  const app = await fakeOpenRouter(t);
  const { status, stdout, stderr } = await app.run(["Say", "hello"], {}, "starter");
  assert.equal(status, 0);
  assert.equal(stdout, `${app.fake.reply}\n`);
  const words = app.fake.reply.split(" ").length;
  const cost = `$${((2 + words) * 0.0000001).toFixed(6)}`;
  assert.ok(stderr.startsWith(`2 in, ${words} out, ${cost}, ${app.settings().model} via `), stderr);
  assert.equal(stderr.split("\n").length, 2, stderr);
});

test("the starter sends fallbacks and names the model that answered", async (t) => {
  const app = await fakeOpenRouter(t, {
    OPENROUTER_MODEL: MODEL,
    OPENROUTER_FALLBACK_MODELS: FALLBACK,
    OPENROUTER_PROVIDER_SORT: "price",
    OPENROUTER_ZDR: "true",
  });
  app.fake.serveModel(FALLBACK);
  app.fake.failModel(MODEL);
  const { status, stderr } = await app.run(["Say hello"], {}, "starter");
  assert.equal(status, 0, stderr);
  const request = app.lastRequest();
  assert.equal(request.model, MODEL);
  assert.deepEqual(request.models, [MODEL, FALLBACK]);
  assert.deepEqual(request.provider, { sort: "price", zdr: true });
  assert.equal(request.max_tokens, undefined);
  assert.equal(request.max_completion_tokens, 1024);
  assert.ok(stderr.includes(`, ${FALLBACK} via `), stderr);
});

test("a stream without usage prints no line", async (t) => {
  const app = await fakeOpenRouter(t);
  const events =
    'data: {"choices": [{"delta": {"content": "Hi"}, "finish_reason": null}]}\n\n' +
    'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\n' +
    "data: [DONE]\n\n";
  app.fake.respond(CHAT, 200, { body: events, contentType: "text/event-stream" });
  const { status, stdout, stderr } = await app.run(["Say hello"], {}, "starter");
  assert.deepEqual([status, stdout, stderr], [0, "Hi\n", ""]);
});
