/**
 * Get a key by signing in to OpenRouter: npm run --silent login -- [--env NAME].
 *
 * OpenRouter's OAuth PKCE flow (RFC 7636): a random verifier and its S256 challenge; the browser
 * opens OpenRouter's /auth page, which sends it back with a code to a one-shot server on
 * 127.0.0.1; POST /auth/keys trades the code and the verifier for a key. The key goes into
 * .env.<environment> (mode 600) and is never printed; verify then checks it and decides the exit
 * status.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs, parseEnv } from "node:util";

import * as catalog from "./catalog.ts";
import { attributionHeaders, context, errorDetail, isRecord } from "./client.ts";
import {
  ConfigError,
  ENVIRONMENTS,
  keyProblem,
  LOGIN_COMMAND,
  loadSettings,
  type Settings,
} from "./config.ts";
import { main as verify } from "./verify.ts";

const DEFAULT_PORT = 3000;
const CALLBACK_PATH = "/callback";
const KEY_LINE = /^([ \t]*(?:export[ \t]+)?OPENROUTER_API_KEY[ \t]*=)[^\n]*?(\r?\n)?$/;

const USAGE = `usage: npm run --silent login -- [--env NAME] [--no-browser] [--port N] [--timeout SECONDS] [--force]

Sign in to OpenRouter in the browser and save a new key to .env.<environment>.

options:
  --env NAME           environment whose env file gets the key: ${ENVIRONMENTS.join(", ")}
  --no-browser         only print the URL to open
  --port N             callback port on 127.0.0.1 (default: ${DEFAULT_PORT}, else a free one)
  --timeout SECONDS    give up after this long (default: 300)
  --force              replace a key the env file already holds
  -h, --help           show this help and exit
`;

/** Signing in failed; carries the catalog's text about why. */
class LoginError extends Error {
  readonly text: catalog.Text;

  constructor(text: catalog.Text) {
    super(text.message);
    this.name = "LoginError";
    this.text = text;
  }
}

/** Run login; returns the exit status (verify's, once a key was saved). */
async function main(argv: readonly string[]): Promise<number> {
  let values: ReturnType<typeof readOptions>;
  try {
    values = readOptions(argv);
  } catch (error) {
    // parseArgs says what is wrong in its first sentence; the rest is about positional
    // arguments, which login takes none of.
    return usageError((error as Error).message.replace(/\. .*/s, ""));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    return usageError(catalog.say("usage.port").message);
  }
  const timeout = Number(values.timeout ?? "300");
  if (!(timeout > 0 && Number.isFinite(timeout))) {
    return usageError(catalog.say("usage.timeout").message);
  }

  let settings: Settings;
  try {
    settings = loadSettings(values.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return 2;
  }
  const envFile = join(process.cwd(), `.env.${settings.environment}`);
  const file = basename(envFile);
  let key: string;
  try {
    if (!values.force && holdsKey(envFile) && !(await confirmReplace(envFile))) {
      throw new LoginError(catalog.say("login.key_exists", context(settings, { file })));
    }
    const openBrowser = !values["no-browser"];
    key = await signIn(settings, { port, timeoutMs: timeout * 1000, openBrowser });
  } catch (error) {
    if (!(error instanceof LoginError)) {
      throw error;
    }
    console.error(`error: ${error.text.line()}`);
    return 1;
  }

  saveKey(envFile, key);
  console.error(catalog.say("login.saved", { file }).message);
  if (process.env.OPENROUTER_API_KEY) {
    console.error(`warning: ${catalog.say("login.overridden", { file }).message}`);
  }
  return verify(["--env", settings.environment]);
}

function readOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      env: { type: "string" },
      "no-browser": { type: "boolean" },
      port: { type: "string" },
      timeout: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}

function usageError(message: string): number {
  console.error(`login: error: ${message} (see --help)`);
  return 2;
}

function holdsKey(envFile: string): boolean {
  return (
    statSync(envFile, { throwIfNoEntry: false })?.isFile() === true &&
    Boolean(parseEnv(readFileSync(envFile, "utf8")).OPENROUTER_API_KEY)
  );
}

/** Ask whether to replace the key, when there is a terminal to ask on. */
async function confirmReplace(envFile: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    return false;
  }
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await terminal.question(
      `${basename(envFile)} already holds a key. Replace it? [y/N] `,
    );
    return ["y", "yes"].includes(answer.trim().toLowerCase());
  } finally {
    terminal.close();
  }
}

interface SignIn {
  port: number | undefined;
  timeoutMs: number;
  openBrowser: boolean;
}

/** Run the PKCE flow and return the new key. */
async function signIn(
  settings: Settings,
  { port, timeoutMs, openBrowser }: SignIn,
): Promise<string> {
  const base = URL.parse(settings.baseUrl);
  if (base === null) {
    throw new LoginError(catalog.say("base_url.invalid", { base_url: settings.baseUrl }));
  }
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const server = await listen(port);
  let code: string;
  try {
    const callbackUrl = `http://localhost:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
    const query = new URLSearchParams({
      callback_url: callbackUrl,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const url = `${base.origin}/auth?${query}`;
    console.error(catalog.say("login.open", { environment: settings.environment }).message);
    console.error(url);
    const browser = openBrowser ? startBrowser(url) : null;
    const timeout = timeoutMs / 1000;
    console.error(catalog.say("login.waiting", { callback_url: callbackUrl, timeout }).message);
    code = await waitForCode(server, browser, timeoutMs);
  } finally {
    server.close();
    server.closeAllConnections();
  }
  return exchange(settings, code, verifier);
}

/** Listen on 127.0.0.1 only: the chosen port, else 3000, else any free one. */
async function listen(port: number | undefined): Promise<Server> {
  try {
    return await listenOn(port ?? DEFAULT_PORT);
  } catch {
    if (port !== undefined) {
      throw new LoginError(catalog.say("login.port_taken", { port }));
    }
    return listenOn(0);
  }
}

function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** Start $BROWSER, else the platform's opener, on the URL. */
function startBrowser(url: string): ChildProcess {
  const browser = process.env.BROWSER?.split(/\s+/).filter(Boolean) ?? [];
  let command: string[];
  if (browser.length > 0) {
    command = [...browser, url];
  } else if (process.platform === "darwin") {
    command = ["open", url];
  } else if (process.platform === "win32") {
    command = ["rundll32", "url.dll,FileProtocolHandler", url];
  } else {
    command = ["xdg-open", url];
  }
  const [program = "", ...args] = command;
  // The user's own $BROWSER or the system's opener, with our URL: no shell involved.
  const child = spawn(program, args, { stdio: "ignore" });
  child.unref(); // the browser may well outlive login
  return child;
}

/** Serve the callback until it brings a code, the browser fails, or time runs out. */
function waitForCode(
  server: Server,
  browser: ChildProcess | null,
  timeoutMs: number,
): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const fail = (id: catalog.MessageId, values: Record<string, unknown> = {}) =>
    reject(new LoginError(catalog.say(id, { login_command: LOGIN_COMMAND, ...values })));
  const timer = setTimeout(() => fail("login.timeout", { timeout: timeoutMs / 1000 }), timeoutMs);
  browser?.on("error", () => fail("login.no_browser"));
  browser?.on("exit", (status) => {
    if (status !== 0) {
      fail("login.no_browser");
    }
  });
  server.on("request", (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== CALLBACK_PATH) {
      page(response, 404, "Not found.");
      return;
    }
    const code = url.searchParams.get("code");
    const error = url.searchParams.get("error");
    page(response, 200, catalog.say(code ? "login.page" : "login.page_failed").message, () => {
      if (code) {
        resolve(code);
      } else if (error) {
        fail("login.denied", { detail: url.searchParams.get("error_description") || error });
      } else {
        fail("login.no_code");
      }
    });
  });
  return promise.finally(() => clearTimeout(timer));
}

function page(response: ServerResponse, status: number, text: string, sent?: () => void): void {
  const body = `<!DOCTYPE html><meta charset=utf-8><title>OpenRouter sign-in</title><p>${text}</p>`;
  response.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    Connection: "close",
  });
  response.end(body, sent);
}

/** POST /auth/keys: the code and the verifier for a key. */
async function exchange(settings: Settings, code: string, verifier: string): Promise<string> {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/auth/keys`;
  let status: number;
  let body: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...attributionHeaders(settings) },
      body: JSON.stringify({ code, code_verifier: verifier, code_challenge_method: "S256" }),
      signal: AbortSignal.timeout(30_000),
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    let cause = error;
    while (cause instanceof Error && cause.cause instanceof Error) {
      cause = cause.cause;
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new LoginError(catalog.say("reachability.network", context(settings, { detail })));
  }
  if (status < 200 || status >= 300) {
    throw new LoginError(exchangeFailed(status, body));
  }
  const key = parseJson(body)?.key;
  if (typeof key !== "string" || keyProblem(key)) {
    throw new LoginError(exchangeFailed(200, ""));
  }
  return key;
}

/** Why no key came back, in OpenRouter's words when it gave any. */
function exchangeFailed(status: number, body: string): catalog.Text {
  const answer = parseJson(body);
  const detail = answer === null ? "no key in the answer" : errorDetail(answer.error, "no details");
  return catalog.say("login.exchange_failed", { status, detail, login_command: LOGIN_COMMAND });
}

/** A JSON object, or null for anything else. */
function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Put the key in the env file, mode 600: only its OPENROUTER_API_KEY line changes.
 *
 * A missing file starts as a copy of its .example. The file is replaced in one step, so an
 * interruption leaves the old one whole.
 */
function saveKey(envFile: string, key: string): void {
  const source = [envFile, `${envFile}.example`].find((path) =>
    statSync(path, { throwIfNoEntry: false })?.isFile(),
  );
  const text = source === undefined ? "" : readFileSync(source, "utf8");
  const lines = text.split(/(?<=\n)/).filter(Boolean);
  let replaced = false;
  const updated = lines.map((line) => {
    const match = KEY_LINE.exec(line);
    if (match === null) {
      return line;
    }
    replaced = true;
    return `${match[1]}${key}${match[2] ?? ""}`;
  });
  if (!replaced) {
    if (updated.length > 0 && !updated.at(-1)?.endsWith("\n")) {
      updated.push("\n");
    }
    updated.push(`OPENROUTER_API_KEY=${key}\n`);
  }
  const temporary = join(dirname(envFile), `.${basename(envFile)}.${process.pid}.tmp`);
  writeFileSync(temporary, updated.join(""), { mode: 0o600 });
  renameSync(temporary, envFile);
  chmodSync(envFile, 0o600);
}

process.exitCode = await main(process.argv.slice(2));
