/** The one client factory: OpenRouter's URL and key, and the attribution headers. */

import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";

import { attributionHeaders, createClient, headerText, headerUrl } from "../src/client.ts";
import { DEFAULTS, loadSettings, Problem } from "../src/config.ts";
import type { FakeOpenRouter } from "./fake-openrouter.ts";
import { projectDirectory, startFake, useFake } from "./fixtures.ts";

/** The settings of a project pointed at the fake, with these variables in its .env. */
async function settingsFor(t: TestContext, values: Record<string, string> = {}) {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  const key = useFake(directory, fake, values);
  return { fake, key, settings: loadSettings(undefined, { directory, environ: {} }) };
}

function lastHeaders(fake: FakeOpenRouter) {
  const request = fake.requests.at(-1);
  assert.ok(request, "no request reached the fake");
  return request.headers;
}

test("requests carry the key and the attribution headers", async (t) => {
  const { fake, key, settings } = await settingsFor(t, {
    OPENROUTER_APP_TITLE: "My App",
    OPENROUTER_APP_CATEGORIES: "cli-agent,general-chat",
  });
  await createClient(settings).get("/key");
  const headers = lastHeaders(fake);
  assert.equal(headers.authorization, `Bearer ${key}`);
  assert.equal(headers["http-referer"], headerUrl(DEFAULTS.OPENROUTER_HTTP_REFERER));
  assert.equal(headers["x-openrouter-title"], "My App");
  assert.equal(headers["x-title"], "My App");
  assert.equal(headers["x-openrouter-categories"], "cli-agent,general-chat");
});

test("a non-ASCII title is folded to ASCII", async (t) => {
  const { fake, settings } = await settingsFor(t, {
    OPENROUTER_APP_TITLE: '"Café Déjà Vu 日本語 ✨"',
  });
  await createClient(settings).get("/key");
  assert.equal(lastHeaders(fake)["x-openrouter-title"], "Cafe Deja Vu");
  assert.equal(lastHeaders(fake)["x-title"], "Cafe Deja Vu");
});

test("the title headers are left out when nothing ASCII remains", async (t) => {
  const { fake, settings } = await settingsFor(t, { OPENROUTER_APP_TITLE: "日本語アプリ" });
  const headers = attributionHeaders(settings);
  assert.ok(!("X-OpenRouter-Title" in headers));
  assert.ok(!("X-Title" in headers));
  await createClient(settings).get("/key");
  assert.ok(!("x-title" in lastHeaders(fake)));
  assert.ok(!("x-openrouter-title" in lastHeaders(fake)));
});

test("a non-ASCII referer is percent-encoded", async (t) => {
  const { settings } = await settingsFor(t, {
    OPENROUTER_HTTP_REFERER: "https://café.example/ü?q=ß",
  });
  assert.equal(
    attributionHeaders(settings)["HTTP-Referer"],
    "https://caf%C3%A9.example/%C3%BC?q=%C3%9F",
  );
});

test("OPENAI_* variables are never used", async (t) => {
  const { fake, key, settings } = await settingsFor(t);
  const saved = { ...process.env };
  t.after(() => {
    process.env = saved;
  });
  Object.assign(process.env, {
    OPENAI_API_KEY: "sk-openai-should-not-be-sent",
    OPENAI_ADMIN_KEY: "sk-admin-should-not-be-sent",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    OPENAI_ORG_ID: "org-should-not-be-sent",
    OPENAI_PROJECT_ID: "proj-should-not-be-sent",
    OPENAI_CUSTOM_HEADERS: "Authorization: Bearer sk-openai-should-not-be-sent",
  });
  await createClient(settings).get("/key");
  assert.equal(fake.requests.at(-1)?.path, "/api/v1/key");
  const headers = lastHeaders(fake);
  assert.equal(headers.authorization, `Bearer ${key}`);
  assert.ok(!("openai-organization" in headers));
  assert.ok(!("openai-project" in headers));
});

for (const key of ["", "sk-or-v1-...", "sk-or-v1-caf\u00e9"]) {
  test(`an unusable key (${JSON.stringify(key)}) is refused before any request`, async (t) => {
    const { fake, settings } = await settingsFor(t, { OPENROUTER_API_KEY: key });
    assert.throws(() => createClient(settings), Problem);
    assert.deepEqual(fake.requests, []);
  });
}

test("headerText strips accents and drops the rest", () => {
  assert.equal(headerText("Crème brûlée — 🍮 Ｆｕｌｌ"), "Creme brulee Full");
  assert.equal(headerText('Say "hi" \\ {x}  twice'), 'Say "hi" \\ {x} twice');
});
