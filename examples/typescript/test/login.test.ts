/** login: OAuth PKCE against the fake, with the test playing the browser. */

import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { parseEnv } from "node:util";

import { DEFAULT_ENVIRONMENT } from "../src/config.ts";
import { type FakeOpenRouter, MODEL, newKey } from "./fake-openrouter.ts";
import { Command, projectDirectory, type Ran, startFake } from "./fixtures.ts";

const ENV_FILE = `.env.${DEFAULT_ENVIRONMENT}`;

/** A project whose .env points at the fake, and whose env file holds no key yet. */
async function project(t: TestContext): Promise<{ fake: FakeOpenRouter; directory: string }> {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  writeFileSync(join(directory, ".env"), `OPENROUTER_BASE_URL=${fake.baseUrl}\n`);
  return { fake, directory };
}

/** npm run login running in the background, once it has printed the URL to open. */
async function login(directory: string, args: string[], env: Record<string, string> = {}) {
  const command = new Command("login", args, { cwd: directory, env });
  const url = new URL(await command.stderrLine(/^https?:\/\//));
  return { command, url, callbackUrl: url.searchParams.get("callback_url") ?? "" };
}

/** Do what the browser would: open the URL, follow the redirect, read the page. */
async function browse(url: URL | string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

/** The env file's text, or null if there is none. */
function envFile(directory: string): string | null {
  const path = join(directory, ENV_FILE);
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

function savedKey(directory: string): string {
  return parseEnv(envFile(directory) ?? "").OPENROUTER_API_KEY ?? "";
}

function assertFails(ran: Ran, saying: string): void {
  assert.equal(ran.status, 1, ran.stderr);
  assert.ok(ran.stderr.includes(saying), ran.stderr);
  assert.ok(!ran.stderr.includes("    at "), "a stack trace was printed");
}

test("login saves a verified key without ever showing it", async (t) => {
  const { fake, directory } = await project(t);
  const kept = `# my notes\nOPENROUTER_MODEL=${MODEL}\nOPENROUTER_API_KEY=\nMY_OWN=1\n`;
  writeFileSync(join(directory, ENV_FILE), kept);
  const { command, url, callbackUrl } = await login(directory, ["--no-browser"]);
  assert.equal(`${url.origin}${url.pathname}`, `${fake.origin}/auth`);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("code_challenge")?.length, 43);
  assert.ok(callbackUrl.startsWith("http://localhost:"));
  assert.match(await browse(url), /close this tab/);

  const { status, stdout, stderr } = await command.exited;
  assert.equal(status, 0, stderr);
  const key = savedKey(directory);
  assert.ok(fake.keys.has(key), "the saved key is not the one OpenRouter issued");
  assert.equal(
    envFile(directory),
    kept.replace("OPENROUTER_API_KEY=", `OPENROUTER_API_KEY=${key}`),
  );
  if (process.platform !== "win32") {
    assert.equal(statSync(join(directory, ENV_FILE)).mode & 0o777, 0o600);
  }
  assert.ok(!(stdout + stderr).includes(key), "the key was printed");
  assert.match(stdout, /key_format/, "verify did not run");
  const [intro, printedUrl] = stderr.split("\n");
  assert.match(intro ?? "", /^Sign in to OpenRouter/);
  assert.equal(printedUrl, url.href, "the URL must stand alone on its line");
  const exchange = fake.requests.find((request) => request.path === "/api/v1/auth/keys");
  const asked = JSON.parse(exchange?.body ?? "{}");
  assert.ok(asked.code_verifier.length >= 43);
  assert.equal(asked.code_challenge_method, "S256");
});

test("a missing env file starts from its example", async (t) => {
  const { directory } = await project(t);
  writeFileSync(join(directory, `${ENV_FILE}.example`), "# example\nOPENROUTER_API_KEY=\n");
  const { command, url } = await login(directory, ["--no-browser"]);
  await browse(url);
  const { status, stderr } = await command.exited;
  assert.equal(status, 0, stderr);
  assert.ok(envFile(directory)?.startsWith("# example\nOPENROUTER_API_KEY=sk-or-v1-"));
});

test("the browser command gets the URL", async (t) => {
  const { fake, directory } = await project(t);
  const browser = join(directory, "browser.mjs");
  writeFileSync(browser, "await (await fetch(process.argv[2])).text();\n");
  const command = new Command("login", [], {
    cwd: directory,
    env: { BROWSER: `${process.execPath} ${browser}` },
  });
  const { status, stderr } = await command.exited;
  assert.equal(status, 0, stderr);
  assert.ok(fake.keys.has(savedKey(directory)));
});

test("--force replaces an existing key", async (t) => {
  const { directory } = await project(t);
  const old = newKey();
  writeFileSync(join(directory, ENV_FILE), `OPENROUTER_API_KEY=${old}\n`);
  const { command, url } = await login(directory, ["--no-browser", "--force"]);
  await browse(url);
  const { status, stdout, stderr } = await command.exited;
  assert.equal(status, 0, stderr);
  assert.ok(!envFile(directory)?.includes(old));
  assert.ok(!(stdout + stderr).includes(old), "the old key was printed");
});

test("an existing key is kept without --force", async (t) => {
  const { directory } = await project(t);
  const existing = `OPENROUTER_API_KEY=${newKey()}\n`;
  writeFileSync(join(directory, ENV_FILE), existing);
  const command = new Command("login", ["--no-browser"], { cwd: directory });
  assertFails(await command.exited, "--force");
  assert.equal(envFile(directory), existing);
});

for (const [query, saying] of [
  ["", "without an authorization code"],
  ["?error=access_denied", "access_denied"],
]) {
  test(`a callback without a code (${query || "empty"}) changes nothing`, async (t) => {
    const { directory } = await project(t);
    const { command, callbackUrl } = await login(directory, ["--no-browser"]);
    assert.match(await browse(callbackUrl + query), /did not complete/);
    assertFails(await command.exited, saying ?? "");
    assert.equal(envFile(directory), null);
  });
}

test("a failed exchange changes nothing", async (t) => {
  const { fake, directory } = await project(t);
  fake.respond("/api/v1/auth/keys", 403, { error: "Invalid code or code_verifier" });
  const { command, url } = await login(directory, ["--no-browser"]);
  await browse(url);
  assertFails(await command.exited, "HTTP 403");
  assert.equal(envFile(directory), null);
});

test("no answer within the timeout", async (t) => {
  const { directory } = await project(t);
  const { command } = await login(directory, ["--no-browser", "--timeout", "1"]);
  assertFails(await command.exited, "within 1 s");
  assert.equal(envFile(directory), null);
});

/** Hold a port on 127.0.0.1 until the test ends (0: any free one); null if it is taken already. */
async function occupy(t: TestContext, port: number): Promise<number | null> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (!listening) {
    return null;
  }
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

test("a taken port given with --port is refused", async (t) => {
  const { directory } = await project(t);
  const port = await occupy(t, 0);
  assert.ok(port !== null);
  const command = new Command("login", ["--no-browser", "--port", String(port)], {
    cwd: directory,
  });
  assertFails(await command.exited, `Port ${port}`);
  assert.equal(envFile(directory), null);
});

test("a taken default port falls back to a free one", async (t) => {
  const { directory } = await project(t);
  // Another project's login may hold 3000 for a moment: wait until this test holds it.
  while ((await occupy(t, 3000)) === null) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { command, callbackUrl } = await login(directory, ["--no-browser", "--timeout", "1"]);
  assert.notEqual(new URL(callbackUrl).port, "3000");
  await command.exited;
});

test("no browser available", async (t) => {
  const { directory } = await project(t);
  const command = new Command("login", [], { cwd: directory, env: { BROWSER: "false" } });
  assertFails(await command.exited, "--no-browser");
  assert.equal(envFile(directory), null);
});
