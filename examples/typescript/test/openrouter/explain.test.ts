// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What the starter says about OpenRouter's limits (api_reference/limits.mdx), told apart:
 * OpenRouter's own rate limit, the free-model cap, the provider's limit, the key's own credit
 * limit, the account's balance and moderation.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type TestContext, test } from "node:test";

import { nextReset } from "../../src/openrouter/explain.ts";
import { CHAT, MODEL } from "./fake-server.ts";
import { projectDirectory, run, startFake, useFake } from "./fixtures.ts";

/** A project pointed at the fake; call says() once the fake misbehaves. */
async function project(t: TestContext, values: Record<string, string> = {}) {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  const key = useFake(directory, fake, values);
  const says = async (): Promise<string> => {
    const ran = await run("starter", ["Say hello"], { cwd: directory });
    assert.equal(ran.status, 1, ran.stderr);
    assert.ok(ran.stderr.startsWith("error: ") && !ran.stderr.includes("    at "), ran.stderr);
    return ran.stderr;
  };
  return { fake, key, says };
}

function hashOf(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

test("a 429 without Retry-After waits until X-RateLimit-Reset", async (t) => {
  const { fake, says } = await project(t);
  fake.rateLimit(CHAT, { resetMs: Date.now() + 30_000 });
  const err = await says();
  const seconds = /Wait (\d+) s \(until \d\d:\d\d:\d\d UTC, from X-RateLimit-Reset\)/.exec(err);
  assert.ok(seconds, err);
  assert.ok(Number(seconds[1]) >= 25 && Number(seconds[1]) <= 30, err);
});

test("Retry-After wins over X-RateLimit-Reset", async (t) => {
  const { fake, says } = await project(t);
  fake.rateLimit(CHAT, { resetMs: Date.now() + 300_000, retryAfter: 1 });
  assert.ok((await says()).includes("Wait 1 s before trying again"));
});

test("the free-model cap says how it is lifted", async (t) => {
  const { fake, says } = await project(t, { OPENROUTER_MODEL: `${MODEL}:free` });
  fake.freeModelLimit();
  const err = await says();
  assert.ok(err.includes("free-model limit") && err.includes("at least 10 USD of credits"), err);
  assert.ok(err.includes(`the paid variant (${MODEL})`), err);
});

test("a provider's 429 blames the provider and suggests fallbacks", async (t) => {
  const { fake, says } = await project(t);
  fake.providerRateLimit(CHAT, { provider: "Together" });
  const err = await says();
  assert.ok(err.includes("provider (Together)") && err.includes("not your key's"), err);
  assert.ok(err.includes("OPENROUTER_FALLBACK_MODELS"), err);
});

test("a 403 for the key's own limit is not moderation", async (t) => {
  const { fake, key, says } = await project(t);
  fake.keyLimitExceeded(CHAT, { reset: "daily" });
  const err = await says();
  assert.ok(err.includes("This key's own credit limit is used up (HTTP 403)"), err);
  assert.ok(err.includes("It resets daily, next on"), err);
  assert.ok(err.includes(`https://openrouter.ai/keys/${hashOf(key)}`), err);
  assert.ok(!err.includes("moderation") && !err.includes(key), err);
});

test("a 402 with the key's limit spent is the key's cap", async (t) => {
  const { fake, key, says } = await project(t);
  const record = fake.keys.get(key);
  assert.ok(record);
  record.limit_reset = "monthly";
  fake.exhaustKey(key);
  const err = await says();
  assert.ok(err.includes("own credit limit (10.00 USD) is used up (HTTP 402)"), err);
  assert.ok(err.includes("It resets monthly, next on"), err);
  assert.ok(err.includes("adding credits to the account does not lift it"), err);
  assert.equal(fake.requests.at(-1)?.path, "/api/v1/key", "GET /key told the cap from the balance");
});

test("a 402 with room on the key is the account's balance", async (t) => {
  const { fake, says } = await project(t);
  const error = "Insufficient credits. Add more using https://openrouter.ai/credits";
  fake.respond(CHAT, 402, { error });
  const err = await says();
  assert.ok(err.includes("Not enough credits (HTTP 402)") && !err.includes("own credit limit"));
});

test("a moderation 403 stays a moderation 403", async (t) => {
  const { fake, says } = await project(t);
  const error = "Your chosen model requires moderation and your input was flagged";
  fake.respond(CHAT, 403, { error, metadata: { reasons: ["violence"] } });
  const err = await says();
  assert.ok(err.includes("moderation") && !err.includes("own credit limit"), err);
});

test("when a key's limit resets", () => {
  const friday = new Date(Date.UTC(2026, 2, 6, 23, 59)); // a minute before midnight
  const cases: [unknown, string][] = [
    ["daily", "It resets daily, next on 2026-03-07 at 00:00 UTC"],
    ["weekly", "It resets weekly, next on 2026-03-09 at 00:00 UTC"], // a Monday
    ["monthly", "It resets monthly, next on 2026-04-01 at 00:00 UTC"],
    [null, "It never resets by itself"],
    ["total", "It never resets by itself"],
    ["unknown", "It resets only if the key has a reset period"],
  ];
  for (const [period, said] of cases) {
    assert.ok(nextReset(period, friday).startsWith(said), String(period));
  }
});
