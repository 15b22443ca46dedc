// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Hostile machines, files and servers: each row sets up one, by its name in EXPECTED.
 *
 * EXPECTED (generated from the template's shared table, which the Python flavour uses too) says
 * which command runs (start, verify, login or keys), its exit status, and a phrase it must print.
 * Whatever the row, the command must also print one clear message and never a key, lose no file
 * and leave none behind, and end in bounded time (check() below). hostile-inputs.test.ts runs
 * every row, the starter's included.
 *
 * What the operating system refuses (reading a file, changing its mode) is only declared here, in
 * Setup.unreadable and Setup.unchangeable: the runner makes it so, whatever user runs the tests
 * (root may read and chmod anything).
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

import { type FakeOpenRouter, newKey } from "./fake-server.ts";
import type { Ran } from "./fixtures.ts";

/** Milliseconds any row may take: generous, since the fake answers at once and nothing waits. */
const TIME_BOUND = 30_000;

/** What the rows need to know about the project under test. */
export interface Project {
  environment: string;
  environments: readonly string[];
}

/** What a browser does with login's URL: open it and follow the fake's redirect back. */
export async function openInBrowser(url: string): Promise<void> {
  await (await fetch(url)).text();
}

/** One row's world: the fake, the project directory, the command line, what the OS refuses. */
export class Setup {
  readonly project: Project;
  readonly fake: FakeOpenRouter;
  readonly directory: string;
  readonly args: string[] = [];
  readonly env: Record<string, string> = {};
  /** Files the operating system refuses to read, or to change the mode of. */
  readonly unreadable: string[] = [];
  readonly unchangeable: string[] = [];
  /** Files the command may create (any other new file is one left behind). */
  readonly creates = new Set<string>();
  /** What the test's browser does with the URL login prints. */
  browser: (url: string) => Promise<void> = openInBrowser;
  /** The command's stdin: a file it reads (/dev/zero: an endless line), else nothing. */
  stdin: string | null = null;
  /**
   * Its stdout: a file it writes to (/dev/full: a full disk), else a pipe; stdoutRead: how many
   * bytes the pipe's reader takes before it closes its end (null: everything).
   */
  stdout: string | null = null;
  stdoutRead: number | null = null;

  constructor(project: Project, fake: FakeOpenRouter, directory: string) {
    this.project = project;
    this.fake = fake;
    this.directory = directory;
  }

  get envFile(): string {
    return `.env.${this.project.environment}`;
  }

  /** A file in the project directory, with these contents and this mode; returns its path. */
  write(name: string, contents: string | Buffer, mode = 0o600): string {
    const path = join(this.directory, name);
    writeFileSync(path, contents);
    chmodSync(path, mode);
    return path;
  }

  /** Point the project at the fake, in .env. */
  useFake(): void {
    this.write(".env", `OPENROUTER_BASE_URL=${this.fake.baseUrl}\n`);
  }

  /** Whether the test reads everything the command prints on stdout. */
  get wholeStdout(): boolean {
    return this.stdout === null && this.stdoutRead === null;
  }

  /** A key the fake accepts, within every environment's policy. */
  goodKey(): string {
    return this.fake.addKey(undefined, { limit: 5.0, limit_remaining: 4.0 });
  }
}

export interface Row {
  name: string;
  prepare: (setup: Setup) => void;
  command: string;
  exitCode: number;
  phrase: string;
}

// biome-ignore format: one row per line
const EXPECTED: Readonly<Record<string, readonly [command: string, exitCode: number, phrase: string]>> = {
  non_utf8_env_file: ["start", 2, "the first bad byte is at offset 24"],
  bom_before_key: ["start", 0, "Hello from the fake OpenRouter."],
  env_file_unreadable: ["start", 2, "error: .env cannot be read: permission denied"],
  env_file_is_a_directory: ["verify", 2, "cannot be read: it is a directory"],
  key_file_missing: ["start", 2, "OPENROUTER_API_KEY_FILE (no-such-key-file, set in .env) cannot be read: it does not exist"],
  key_file_unreadable: ["verify", 2, "OPENROUTER_API_KEY_FILE (openrouter-key, set in the process environment) cannot be read: permission denied"],
  key_file_not_utf8: ["start", 2, "is not UTF-8 text: the first bad byte is at offset 9"],
  key_file_not_chmoddable: ["verify", 0, "could not be made private"],
  key_file_not_chmoddable_start: ["start", 0, "Hello from the fake OpenRouter."],
  key_file_not_chmoddable_login: ["login", 2, "cannot be written: it is read-only"],
  key_with_a_hash: ["login", 0, "Saved the new key"],
  env_file_is_a_fifo: ["verify", 2, "cannot be read: it is not a regular file"],
  env_file_links_to_dev_zero: ["start", 2, ".env cannot be read: it is not a regular file"],
  env_file_too_large: ["verify", 2, ".env is larger than 1024 KiB"],
  key_file_is_a_fifo: ["start", 2, "OPENROUTER_API_KEY_FILE (openrouter-key, set in .env) cannot be read: it is not a regular file"],
  key_file_links_to_dev_zero: ["verify", 2, "OPENROUTER_API_KEY_FILE (/dev/zero, set in the process environment) cannot be read: it is not a regular file"],
  key_file_too_large: ["start", 2, "is larger than 64 KiB"],
  malformed_stream: ["start", 1, "an event that is not JSON"],
  reset_mid_stream: ["start", 1, "stopped before the model finished"],
  keys_list_fat_pages: ["keys", 0, "No keys named"],
  login_headless_endless_stdin: ["login", 1, "the line is longer than 4 KiB"],
  verify_stdout_closed_early: ["verify", 0, ""],
  verify_stdout_reader_gone: ["verify", 0, ""],
  verify_stdout_full: ["verify", 1, "error: Could not write to standard output: no space left on device"],
  management_key_env_not_chmoddable: ["keys", 0, "holds OPENROUTER_MANAGEMENT_KEY and can be read by other users"],
};

export const ROWS: Row[] = [];

/** Every file and directory under directory: a file's bytes, null for a directory. */
function snapshot(directory: string): Map<string, string | null> {
  return new Map(
    readdirSync(directory, { recursive: true, encoding: "utf8" }).map((name) => {
      const path = join(directory, name);
      return [name, content(path)];
    }),
  );
}

/** A file's bytes, null for a directory; a link stands for where it points, a FIFO for its kind. */
function content(path: string): string | null {
  const found = lstatSync(path);
  if (found.isSymbolicLink()) {
    return `a link to ${readlinkSync(path)}`;
  }
  if (found.isDirectory()) {
    return null;
  }
  return found.isFile() ? readFileSync(path, "latin1") : "not a regular file";
}

/**
 * Run the row's command and hold it to the table: its exit status and phrase, one clear message,
 * no key printed, no file lost or left behind.
 */
export async function check(row: Row, setup: Setup, run: () => Promise<Ran>): Promise<void> {
  const before = snapshot(setup.directory);
  const started = performance.now();

  const { status, stdout, stderr } = await run();

  assert.ok(performance.now() - started < TIME_BOUND, "it took too long");
  assert.equal(status, row.exitCode, stdout + stderr);
  assert.ok((stdout + stderr).includes(row.phrase), stdout + stderr);
  assert.ok(!stderr.includes("Traceback") && !stderr.includes("    at "), stderr);
  if (row.command === "verify" && setup.wholeStdout) {
    JSON.parse(stdout); // strict JSON, even here
    assert.equal(stderr, "");
  } else if (row.command === "verify" && setup.stdout === null) {
    assert.equal(stderr, ""); // a reader that stops early is no failure: not a word
  } else {
    assert.ok(stderr.split("error: ").length <= 2, stderr);
  }
  if (row.command === "start") {
    assert.ok(stderr.split("\n").length <= 2, stderr);
  }
  // Every key a row makes, the fake knows; the others come from the environment.
  const fromEnvironment = Object.entries(setup.env).filter(([name]) => name.endsWith("_KEY"));
  const keys = [...setup.fake.keys.keys(), ...fromEnvironment.map(([, value]) => value)];
  assert.deepEqual(
    keys.filter((key) => (stdout + stderr).includes(key)),
    [],
    "a key was printed",
  );
  const after = snapshot(setup.directory);
  assert.deepEqual(
    [...before.keys()].filter((name) => !after.has(name)),
    [],
    "a file was lost",
  );
  const added = [...after.keys()].filter((name) => !before.has(name));
  assert.deepEqual(
    added.filter((name) => !setup.creates.has(name)),
    [],
    "a file was left behind",
  );
  const changed = [...before].filter(([name, contents]) => after.get(name) !== contents);
  assert.deepEqual(
    changed.map(([name]) => name).filter((name) => !setup.creates.has(name)),
    [],
    "a file changed",
  );
}

/** Register the set-up of the row of this name in EXPECTED. */
function row(name: string, prepare: (setup: Setup) => void): void {
  const expected = EXPECTED[name];
  if (expected === undefined) {
    throw new Error(`no row ${name} in the shared table`);
  }
  const [command, exitCode, phrase] = expected;
  ROWS.push({ name, prepare, command, exitCode, phrase });
}

// --- env files and key files: read, never crash ------------------------------------

// A title saved as Latin-1 by an old editor: é is byte 24, not UTF-8.
row("non_utf8_env_file", (setup) => {
  setup.write(
    ".env",
    Buffer.from("OPENROUTER_APP_TITLE=Caf\xe9 Cr\xe8me\nOPENROUTER_MODEL=x/y\n", "latin1"),
  );
});

// A Windows editor's byte-order mark right before the key's name.
row("bom_before_key", (setup) => {
  setup.write(setup.envFile, `\uFEFFOPENROUTER_API_KEY=${setup.goodKey()}\r\n`);
  setup.useFake();
});

row("env_file_unreadable", (setup) => {
  setup.unreadable.push(setup.write(".env", `OPENROUTER_API_KEY=${setup.goodKey()}\n`));
});

row("env_file_is_a_directory", (setup) => {
  mkdirSync(join(setup.directory, setup.envFile));
});

row("key_file_missing", (setup) => {
  setup.write(".env", "OPENROUTER_API_KEY_FILE=no-such-key-file\n");
});

row("key_file_unreadable", (setup) => {
  setup.unreadable.push(setup.write("openrouter-key", `${setup.goodKey()}\n`, 0o400));
  setup.env.OPENROUTER_API_KEY_FILE = "openrouter-key";
});

row("key_file_not_utf8", (setup) => {
  setup.write("openrouter-key", Buffer.from("sk-or-v1-\xff\xfe\n", "latin1"));
  setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n");
});

// The env file holding the key is readable by others and owned by someone else: root-owned 0640
// files, Kubernetes secret mounts and read-only filesystems are like this. verify warns that it
// could not be made private, and carries on.
function keyFileNotChmoddable(setup: Setup): void {
  setup.unchangeable.push(
    setup.write(setup.envFile, `OPENROUTER_API_KEY=${setup.goodKey()}\n`, 0o644),
  );
  setup.useFake();
}

row("key_file_not_chmoddable", keyFileNotChmoddable);

// The starter carries on, quietly: verify is where the warning belongs.
row("key_file_not_chmoddable_start", keyFileNotChmoddable);

// Such a file is read-only to this user too: login --force says so before signing in.
row("key_file_not_chmoddable_login", (setup) => {
  keyFileNotChmoddable(setup);
  chmodSync(join(setup.directory, setup.envFile), 0o444);
  setup.args.push("--force");
});

// OpenRouter hands out a key with a #: login must quote it so that it reads back whole. verify
// then checks the key read back from the file: only the whole key works.
row("key_with_a_hash", (setup) => {
  const key = `${newKey().slice(0, 40)}#${newKey().slice(-33)}`;
  setup.fake.addKey(key, { limit: 5.0, limit_remaining: 4.0 });
  setup.fake.respond("/api/v1/auth/keys", 200, { json: { key, user_id: null } });
  setup.useFake();
  setup.creates.add(setup.envFile);
});

// A named pipe nobody writes to: reading it would wait for ever.
row("env_file_is_a_fifo", (setup) => {
  execFileSync("mkfifo", [join(setup.directory, setup.envFile)]);
});

// Reading /dev/zero never ends: the file is refused, not read.
row("env_file_links_to_dev_zero", (setup) => {
  symlinkSync("/dev/zero", join(setup.directory, ".env"));
});

// A log written where .env should be: larger than any env file.
row("env_file_too_large", (setup) => {
  setup.write(".env", "# log line\n".repeat(Math.floor((1024 * 1024) / 11) + 1));
});

row("key_file_is_a_fifo", (setup) => {
  execFileSync("mkfifo", [join(setup.directory, "openrouter-key")]);
  setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n");
});

row("key_file_links_to_dev_zero", (setup) => {
  setup.env.OPENROUTER_API_KEY_FILE = "/dev/zero";
});

row("key_file_too_large", (setup) => {
  setup.write("openrouter-key", `${setup.goodKey()}\n`.repeat(1000));
  setup.write(".env", "OPENROUTER_API_KEY_FILE=openrouter-key\n");
});

// --- the starter's stream, broken mid-reply -------------------------------------------

row("malformed_stream", (setup) => {
  setup.write(".env", `OPENROUTER_API_KEY=${setup.goodKey()}\n`);
  setup.env.OPENROUTER_BASE_URL = setup.fake.baseUrl;
  setup.fake.malformedStream();
});

row("reset_mid_stream", (setup) => {
  setup.write(".env", `OPENROUTER_API_KEY=${setup.goodKey()}\n`);
  setup.env.OPENROUTER_BASE_URL = setup.fake.baseUrl;
  setup.fake.resetMidStream();
});

// --- everything bounded: account listings, stdin, stdout ------------------------------

// 100 pages of 100 keys of another project, each about 10 KB: list keeps only its own.
row("keys_list_fat_pages", (setup) => {
  setup.fake.fatKeyPages();
  setup.env.OPENROUTER_MANAGEMENT_KEY = setup.fake.addManagementKey();
  setup.useFake();
});

// An endless line where the code should be pasted: read up to 4 KiB, then refused.
row("login_headless_endless_stdin", (setup) => {
  setup.useFake();
  setup.args.push("--headless");
  setup.stdin = "/dev/zero";
  setup.browser = async () => {}; // nobody approves: the line is what login reads
});

// verify --json | head -c 10: the rest is dropped without a word.
function verifyStdoutClosedEarly(setup: Setup): void {
  setup.write(setup.envFile, `OPENROUTER_API_KEY=${setup.goodKey()}\n`);
  setup.useFake();
  setup.stdoutRead = 10;
}

row("verify_stdout_closed_early", verifyStdoutClosedEarly);

// The reader is gone before verify writes: the write fails (EPIPE), without a word.
row("verify_stdout_reader_gone", (setup) => {
  verifyStdoutClosedEarly(setup);
  setup.stdoutRead = 0;
});

// verify --json > /dev/full: one line on stderr, and exit 1.
row("verify_stdout_full", (setup) => {
  setup.write(setup.envFile, `OPENROUTER_API_KEY=${setup.goodKey()}\n`);
  setup.useFake();
  setup.stdout = "/dev/full";
});

// .env holds the management key, readable by others, owned by someone else: keys warns.
row("management_key_env_not_chmoddable", (setup) => {
  const key = setup.fake.addManagementKey();
  const text = `OPENROUTER_MANAGEMENT_KEY=${key}\nOPENROUTER_BASE_URL=${setup.fake.baseUrl}\n`;
  setup.unchangeable.push(setup.write(".env", text, 0o644));
});

// --- server behaviours (verify and the starter against a hostile OpenRouter) -------------

// --- login: callbacks, idle connections, targets it cannot write ------------------------
