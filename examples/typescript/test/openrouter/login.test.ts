// Maintained by the OpenRouter app template: copier update replaces this file.
/** login: OAuth PKCE by policy, on 127.0.0.1 or headless, with the test as browser and user. */

import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, test } from "node:test";

import { loadSettings } from "../../src/openrouter/config.ts";
import { CallbackServer, PAGE_POLICY, page, printable } from "../../src/openrouter/login.ts";
import { PROJECT, play, scenariosFor } from "./keys-scenarios.ts";

describe("login", { concurrency: availableParallelism() }, () => {
  for (const scenario of scenariosFor(PROJECT).filter((found) => found.program === "login")) {
    test(scenario.name, (t) => play(t, scenario));
  }
});

test("the page names the app and the environment, and escapes them", () => {
  const settings = loadSettings(undefined, {
    directory: "/nonexistent",
    environ: { OPENROUTER_APP_TITLE: '<script>alert("x")</script> & {environment}' },
  });
  const signedIn = page(settings, true, "", "verify");
  assert.ok(!signedIn.includes("<script>"));
  assert.ok(
    signedIn.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; {environment}"),
  );
  assert.ok(signedIn.includes(`.env.${settings.environment}`) && signedIn.includes("never shown"));
  assert.ok(signedIn.includes('<html lang="en">') && signedIn.includes('<meta charset="utf-8">'));
  assert.ok(signedIn.includes("prefers-color-scheme: dark"));
  assert.ok(!signedIn.includes("http"), "no external requests");
  const failed = page(settings, false, "It <broke>.", "login --env x");
  assert.ok(failed.includes("It &lt;broke&gt;.") && failed.includes("login --env x"));
});

test("the pages come with a Content-Security-Policy", async () => {
  const settings = loadSettings(undefined, { directory: "/nonexistent", environ: {} });
  const server = await CallbackServer.listen(0);
  try {
    const response = fetch(`http://127.0.0.1:${server.port}${server.path}?code=abc`);
    assert.equal((await server.wait(60_000, "login")).code, "abc");
    await server.answer(page(settings, true, "", "verify"));
    const { headers } = await response;
    assert.equal(headers.get("Content-Security-Policy"), PAGE_POLICY);
    assert.equal(PAGE_POLICY, "default-src 'none'; style-src 'unsafe-inline'");
    assert.equal(headers.get("Content-Type"), "text/html; charset=utf-8");
  } finally {
    server.close();
  }
});

test("text from the callback loses its control characters", () => {
  const hostile = "\x1b]0;title\x07\x1b[31mred\x1b[0m\u202egnp.exe\r\nnext\u2028line\x00";
  assert.equal(printable(hostile), "]0;title [31mred [0m gnp.exe next line");
  assert.equal(printable("x".repeat(500)).length, 200);
});
