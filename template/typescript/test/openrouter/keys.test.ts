/** keys: create, list and rotate by policy, with a management key that goes only to /keys. */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { policyLimit } from "../src/account.ts";
import { PROJECT_SLUG, Problem } from "../src/config.ts";
import { newKey } from "../src/keys.ts";
import { PROJECT, play, scenariosFor } from "./keys-scenarios.ts";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

describe("keys", { concurrency: availableParallelism() }, () => {
  for (const scenario of scenariosFor(PROJECT).filter((found) => found.program === "keys")) {
    test(scenario.name, (t) => play(t, scenario));
  }
});

test("production keys expire in 90 days, to the second", () => {
  const now = new Date("2026-11-27T16:05:09.123Z");
  assert.deepEqual(newKey("production", 100, "monthly", now), {
    name: `${PROJECT_SLUG}-production-20261127`,
    limit: 100,
    limit_reset: "monthly",
    expires_at: "2027-02-25T16:05:09Z",
  });
  assert.ok(!("expires_at" in newKey("staging", 50, "monthly", now)));
});

test("the policy needs a limit for production, and a sane one anywhere", () => {
  assert.equal(policyLimit("development", undefined, { example: "" }), 10);
  assert.equal(policyLimit("production", "12.5", { example: "" }), 12.5);
  for (const given of ["0", "-1", "1e3", "0x10", "1_0", " 5", "nan", "1000001", "0.001"]) {
    assert.throws(
      () => policyLimit("development", given, { example: "" }),
      (error) => error instanceof Problem && error.status === 2,
    );
  }
  assert.throws(
    () => policyLimit("production", undefined, { example: "keys create --limit 100" }),
    (error) =>
      error instanceof Problem &&
      error.text.message.includes("--limit USD") &&
      Boolean(error.text.hint?.includes("keys create --limit 100")),
  );
});

test("only login and keys load the account requests", () => {
  // Every import is static (no import()), so following them shows what a module loads.
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) {
      return;
    }
    loaded.add(file);
    const source = readFileSync(join(SRC, file), "utf8");
    assert.ok(!/\bimport\(/.test(source), `${file} imports dynamically`);
    for (const [, imported] of source.matchAll(/from "\.\/([\w-]+\.ts)"/g)) {
      visit(imported ?? "");
    }
  };
  visit("main.ts");
  visit("verify.ts");
  assert.ok(loaded.has("client.ts"));
  for (const module of ["account.ts", "login.ts", "keys.ts"]) {
    assert.ok(!loaded.has(module), `the starter or verify loads ${module}`);
  }
  assert.ok(readdirSync(SRC).includes("account.ts"));
});
