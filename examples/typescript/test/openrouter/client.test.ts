// Maintained by the OpenRouter app template: copier update replaces this file.
/** The one client factory: OpenRouter's URL and key, the attribution headers, and its guards. */

import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";

import { APIError } from "openai";

import {
  attributionHeaders,
  createClient,
  headerText,
  headerUrl,
  parseJson,
} from "../../src/openrouter/client.ts";
import { DEFAULTS, loadSettings, Problem } from "../../src/openrouter/config.ts";
import { AnswerTooLarge, explain } from "../../src/openrouter/explain.ts";
import type { FakeOpenRouter } from "./fake-server.ts";
import { projectDirectory, run, startFake, useFake } from "./fixtures.ts";

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

const OPENAI_VARIABLES = {
  OPENAI_ORG_ID: "org-not-for-openrouter",
  OPENAI_PROJECT_ID: "proj_not_for_openrouter",
  OPENAI_CUSTOM_HEADERS:
    "OpenAI-Organization: org-custom\nX-Proxy-Secret: s3cret\n" +
    "Authorization: Bearer sk-openai-should-not-be-sent",
};

test("no request carries what OPENAI_* variables would add", async (t) => {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  const key = useFake(directory, fake);
  const saved = { ...process.env };
  t.after(() => {
    process.env = saved;
  });
  Object.assign(process.env, OPENAI_VARIABLES);
  const client = createClient(loadSettings(undefined, { directory }));
  await client.get("/key");
  await client.withOptions({ maxRetries: 0 }).get("/key");
  const options = { cwd: directory, env: OPENAI_VARIABLES };
  assert.equal((await run("starter", ["Say hello"], options)).status, 0);
  assert.equal((await run("verify", ["--chat"], options)).status, 0);
  assert.ok(fake.requests.length >= 6); // two here, the starter's, and verify's three or four
  for (const request of fake.requests) {
    assert.equal(request.headers.authorization, `Bearer ${key}`);
    for (const name of ["openai-organization", "openai-project", "x-proxy-secret"]) {
      assert.ok(!(name in request.headers), `${request.path} sent ${name}`);
    }
  }
});

test("a redirect is never followed", async (t) => {
  const { fake, settings } = await settingsFor(t);
  fake.redirect("/api/v1/key");
  const error = await createClient(settings)
    .get("/key")
    .then(
      () => null,
      (thrown: unknown) => thrown,
    );
  assert.ok(error instanceof APIError && error.status === 307, String(error));
  assert.equal(fake.requests.length, 1, "the redirect was followed");
  const port = fake.origin.split(":").at(-1);
  const text = explain(error, settings);
  assert.ok(text.message.includes(`redirected the request to http://localhost:${port}`));
  assert.ok(text.hint?.includes("OPENROUTER_BASE_URL"));
});

test("answers are read up to 1 MiB", async (t) => {
  const { fake, settings } = await settingsFor(t);
  fake.respond("/api/v1/key", 200, { body: `[${"0,".repeat(2 ** 19)}0]` });
  await assert.rejects(createClient(settings).get("/key"), (error: unknown) => {
    assert.ok(error instanceof AnswerTooLarge, String(error));
    assert.match(explain(error, settings).message, /larger than 1 MiB/);
    return true;
  });
});

test("a gzip bomb is never inflated past the bound", async (t) => {
  const { fake, settings } = await settingsFor(t);
  fake.gzipBomb("/api/v1/key"); // 1 GiB once inflated
  const peak = process.resourceUsage().maxRSS;
  await assert.rejects(createClient(settings).get("/key"), AnswerTooLarge);
  const grownKib = process.resourceUsage().maxRSS - peak;
  assert.ok(grownKib < 32 * 1024, `peak memory grew by ${grownKib} KiB`);
});

for (const text of ['{"limit": NaN}', '{"limit": Infinity}', "{broken", "\xff"]) {
  test(`an answer holding ${JSON.stringify(text)} is malformed`, () => {
    assert.equal(parseJson(Buffer.from(text, "latin1")), null);
  });
}

test("numbers past any amount of money read as absent", () => {
  const huge = `1${"0".repeat(400)}`;
  const text = `{"a": ${huge}, "b": 1e400, "c": -1e16, "d": 12.5, "e": 3}`;
  assert.deepEqual(parseJson(Buffer.from(text)), { a: null, b: null, c: null, d: 12.5, e: 3 });
});

test("the SDK's own options pass through", async (t) => {
  const { fake, key, settings } = await settingsFor(t);
  const defaultHeaders = { "X-Trace": "on", Authorization: "Bearer sk-elsewhere" };
  const client = createClient(settings, { timeout: 7_500, maxRetries: 5, defaultHeaders });
  assert.deepEqual([client.timeout, client.maxRetries], [7_500, 5]);
  await client.get("/key");
  const headers = lastHeaders(fake);
  assert.equal(headers["x-trace"], "on", "headers of the caller's are added");
  assert.equal(headers.authorization, `Bearer ${key}`, "the settings' key is never replaced");
});

test("a caller's fetch gets the guards too", async (t) => {
  const { fake, settings } = await settingsFor(t);
  fake.redirect("/api/v1/key");
  let calls = 0;
  const counted: typeof fetch = (input, init) => {
    calls += 1;
    return fetch(input, init);
  };
  const client = createClient(settings, { fetch: counted, maxRetries: 0 });
  await assert.rejects(client.get("/key"), APIError);
  assert.equal(calls, 1);
  assert.equal(fake.requests.length, 1, "the redirect was followed");
});

test("the settings decide the base URL and the key", async (t) => {
  const { settings } = await settingsFor(t);
  const options = { baseURL: "https://api.openai.com/v1" } as Parameters<typeof createClient>[1];
  assert.throws(() => createClient(settings, options), /baseURL/);
});
