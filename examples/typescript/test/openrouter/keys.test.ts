// Maintained by the OpenRouter app template: copier update replaces this file.
/** keys: create, list, rotate and guard by policy; the management key goes only to its API. */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  keyLabel,
  labelEnvironment,
  MAX_LABEL,
  policyLimit,
} from "../../src/openrouter/account.ts";
import { Problem } from "../../src/openrouter/config.ts";
import { newKey } from "../../src/openrouter/keys.ts";
import { PROJECT, play, scenariosFor } from "./keys-scenarios.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

describe("keys", { concurrency: availableParallelism() }, () => {
  for (const scenario of scenariosFor(PROJECT).filter((found) => found.program === "keys")) {
    test(scenario.name, (t) => play(t, scenario));
  }
});

test("production keys expire in 90 days, to the second", () => {
  const now = new Date("2026-11-27T16:05:09.123Z");
  assert.deepEqual(newKey("production", 100, "monthly", now), {
    name: keyLabel("production", "-20261127-160509"),
    limit: 100,
    limit_reset: "monthly",
    expires_at: "2027-02-25T16:05:09Z",
  });
  assert.ok(!("expires_at" in newKey("staging", 50, "monthly", now)));
});

test("long slugs are shortened to fit, keeping the environment and the date", () => {
  const slug = `a-${"b".repeat(97)}-c`;
  const name = keyLabel("production", "-20261127-160509", slug);
  assert.equal(name.length, MAX_LABEL);
  assert.ok(name.endsWith("b-production-20261127-160509"), name);
  assert.equal(keyLabel("staging", "", slug).length, MAX_LABEL);
  assert.equal(labelEnvironment(name, slug), "production");
  assert.equal(labelEnvironment(keyLabel("staging", "", slug), slug), "staging");
  assert.equal(labelEnvironment("a-b-production-20261127-160509", slug), null);
  const cut = `${"a".repeat(72)}-zzz`; // cut after a hyphen
  const short = keyLabel("production", "-20261127-160509", cut);
  assert.equal(short, `${"a".repeat(72)}-production-20261127-160509`);
  assert.equal(labelEnvironment(short, cut), "production");
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

/** The project's modules a module loads, itself included: openrouter/client.ts... */
function loads(file: string): Set<string> {
  // Every import is static (no import()), so following them shows what a module loads.
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) {
      return;
    }
    loaded.add(path);
    const source = readFileSync(join(SRC, path), "utf8");
    assert.ok(!/\bimport\(/.test(source), `${path} imports dynamically`);
    // Import lines, not the examples in doc comments.
    for (const [, imported] of source.matchAll(/^(?:import|export|\}) .*from "(\.[\w/.-]+)";$/gm)) {
      visit(relative(SRC, join(SRC, dirname(path), imported ?? "")));
    }
  };
  visit(file);
  return loaded;
}

test("only login and keys load the account requests", () => {
  // What the app imports (the public face), and verify.
  const loaded = new Set([...loads("openrouter/index.ts"), ...loads("openrouter/verify.ts")]);
  assert.ok(loaded.has("openrouter/client.ts"));
  for (const module of ["account.ts", "login.ts", "keys.ts"]) {
    assert.ok(!loaded.has(`openrouter/${module}`), `the public face or verify loads ${module}`);
  }
  assert.ok(readdirSync(join(SRC, "openrouter")).includes("account.ts"));
});

test("keys does not load login, and no command runs another's main", () => {
  assert.ok(!loads("openrouter/keys.ts").has("openrouter/login.ts"));
  for (const module of ["login.ts", "keys.ts", "provision.ts"]) {
    const source = readFileSync(join(SRC, "openrouter", module), "utf8");
    assert.doesNotMatch(source, /import \{[^}]*\bmain\b[^}]*\} from/, module);
    assert.doesNotMatch(source, /\b(verify|login|keys)\.main\(/, module);
  }
});
