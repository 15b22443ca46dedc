// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Fixtures: a fake OpenRouter on 127.0.0.1, a clean and empty project directory, and the
 * project's commands run there the way a user runs them.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

import { DEFAULTS } from "../../src/openrouter/config.ts";
import { FakeOpenRouter } from "./fake-server.ts";
import type { Refusals } from "./refuse.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const REFUSE = fileURLToPath(new URL("./refuse.ts", import.meta.url));
/** The code of the DeprecationWarning a moved module's shim emits (src/config.ts...). */
export const MOVED = "OPENROUTER_KIT_MOVED";

/** A fake OpenRouter that serves this project's model, stopped when the test ends. */
export async function startFake(t: TestContext): Promise<FakeOpenRouter> {
  const fake = await new FakeOpenRouter().start();
  t.after(() => fake.stop());
  fake.serveModel(DEFAULTS.OPENROUTER_MODEL);
  return fake;
}

/** An empty directory to run the project in, removed when the test ends. */
export function projectDirectory(t: TestContext): string {
  const directory = realpathSync(mkdtempSync(join(tmpdir(), "openrouter-test-")));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/**
 * Point the project at the fake through .env; returns the key written there.
 *
 * values add or replace variables; the key defaults to a fresh one that the fake accepts.
 */
export function useFake(
  directory: string,
  fake: FakeOpenRouter,
  values: Record<string, string> = {},
): string {
  const all = { OPENROUTER_API_KEY: fake.addKey(), OPENROUTER_BASE_URL: fake.baseUrl, ...values };
  const text = Object.entries(all).map(([name, value]) => `${name}=${value}\n`);
  writeFileSync(join(directory, ".env"), text.join(""));
  return all.OPENROUTER_API_KEY;
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Node's compile cache for the commands the tests start: each starts about twice as fast when the
 * openai package and the sources are compiled once, not once per command.
 */
const COMPILE_CACHE = fileURLToPath(
  new URL("../../node_modules/.cache/node-compile", import.meta.url),
);

/** A variable of yours that no test sees: OpenRouter's or OpenAI's, APP_ENV or BROWSER. */
function isYours(name: string): boolean {
  return /^(OPENROUTER_|OPENAI_)/.test(name) || ["APP_ENV", "BROWSER"].includes(name);
}

// Every test starts from a process environment without them, as the commands it runs do: a key
// or base URL exported in your shell (to try the app against the fake, or a real key) never
// reaches a test. Every test file imports this module, so this runs before any test.
for (const name of Object.keys(process.env)) {
  if (isYours(name)) {
    delete process.env[name];
  }
}

/** The process environment without OpenRouter or OpenAI variables, APP_ENV or BROWSER, plus more. */
export function cleanEnvironment(more: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    ([name, value]) => value !== undefined && !isYours(name),
  );
  const cache = { NODE_COMPILE_CACHE: COMPILE_CACHE };
  return { ...cache, ...(Object.fromEntries(kept) as Record<string, string>), ...more };
}

/**
 * The project's commands: src/main.ts (your starter), the kit's verify, login and keys, and
 * "starter": the kit's copy of the starter as the template ships it, which the kit's tests run.
 */
export type Script = "main" | "starter" | "verify" | "login" | "keys";

/** The file that runs a command. */
export function scriptPath(script: Script): string {
  if (script === "starter") {
    return fileURLToPath(new URL("./reference-starter.ts", import.meta.url));
  }
  return join(SRC, script === "main" ? "main.ts" : join("openrouter", `${script}.ts`));
}

/** How a command ended, and what it printed. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One of the project's commands, running in a directory; stdin is a pipe, not a terminal, and
 * stdout a pipe read to the end, unless the options give them files (or stop reading stdout).
 */
export class Command {
  stdout = "";
  stderr = "";
  readonly exited: Promise<Ran>;
  readonly #child: ChildProcess;
  #closed = false;
  #printed = () => {};

  constructor(script: Script, args: string[], options: RunOptions) {
    const { refuse } = options;
    const preload = refuse ? ["--import", REFUSE] : [];
    // Not the notices of the shims that keep 0.1.0 and 0.2.0 starters running: their tests
    // expect a quiet stderr, and a user running the starter sees the notices.
    const quiet = `--disable-warning=${MOVED}`;
    const env = refuse ? { ...options.env, REFUSE: JSON.stringify(refuse) } : options.env;
    const stdin = options.stdin === undefined ? "pipe" : openSync(options.stdin, "r");
    const stdout = options.stdout === undefined ? "pipe" : openSync(options.stdout, "w");
    const child = spawn(process.execPath, [quiet, ...preload, scriptPath(script), ...args], {
      cwd: options.cwd,
      env: cleanEnvironment(env),
      stdio: [stdin, stdout, "pipe"],
    });
    for (const file of [stdin, stdout]) {
      if (typeof file === "number") {
        closeSync(file); // the child has its own copy
      }
    }
    this.#child = child;
    const { stdoutRead } = options;
    const read = child.stdout?.setEncoding("utf8");
    if (read && stdoutRead !== undefined && stdoutRead <= 0) {
      read.destroy(); // the reader is gone before the command writes
    }
    read?.on("data", (data: string) => {
      this.stdout += data;
      if (stdoutRead !== undefined && this.stdout.length >= stdoutRead) {
        this.stdout = this.stdout.slice(0, stdoutRead);
        read.destroy(); // a reader that stops early (head -c 10) closes its end
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (data: string) => {
      this.stderr += data;
      this.#printed();
    });
    this.exited = new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status) => {
        this.#closed = true;
        this.#printed();
        resolve({ status, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Wait until the command has printed text (on stderr). */
  async waitFor(text: string): Promise<void> {
    await this.stderrLine(new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  }

  /** Type a line (nothing: just end the input) into the command. */
  type(text: string): void {
    this.#child.stdin?.end(text ? `${text}\n` : "");
  }

  /** End the command's input, as Ctrl-D does. */
  endInput(): void {
    this.#child.stdin?.end();
  }

  /** Send the command a signal: SIGINT is Ctrl-C. */
  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** The first line on stderr that matches, once it is printed. */
  async stderrLine(pattern: RegExp): Promise<string> {
    const line = await this.maybeStderrLine(pattern);
    if (line === null) {
      throw new Error(`exited without printing ${pattern}:\n${this.stderr}`);
    }
    return line;
  }

  /** The first line on stderr that matches, or null if the command exits without one. */
  async maybeStderrLine(pattern: RegExp): Promise<string | null> {
    for (;;) {
      const lines = this.stderr.split("\n").slice(0, -1); // whole lines only
      const line = lines.find((printed) => pattern.test(printed));
      if (line !== undefined) {
        return line;
      }
      if (this.#closed) {
        return null;
      }
      await new Promise<void>((resolve) => {
        this.#printed = resolve;
      });
    }
  }
}

export interface RunOptions {
  cwd: string;
  /** Variables to set on top of cleanEnvironment(). */
  env?: Record<string, string>;
  /** What the operating system refuses the command (see refuse.ts). */
  refuse?: Refusals;
  /** A file to read as stdin (/dev/zero: an endless line), instead of a pipe. */
  stdin?: string;
  /** A file to write stdout to (/dev/full: a full disk), instead of a pipe. */
  stdout?: string;
  /** How many bytes of stdout to read before closing the pipe (head -c 10); all by default. */
  stdoutRead?: number;
}

/** Run one of the project's commands to the end. */
export function run(script: Script, args: string[], options: RunOptions): Promise<Ran> {
  return new Command(script, args, options).exited;
}
