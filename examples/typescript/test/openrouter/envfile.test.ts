// Maintained by the OpenRouter app template: copier update replaces this file.
/** The env-file format: read exactly as Node reads it, written without losing a byte. */

import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs, {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { basename, join } from "node:path";
import { type TestContext, test } from "node:test";

import { Problem } from "../../src/openrouter/config.ts";
import { makePrivate, read, writeKey } from "../../src/openrouter/envfile.ts";
import { ENV_FILES, KEY_WRITES } from "./env-files.ts";
import { newKey } from "./fake-server.ts";
import { projectDirectory } from "./fixtures.ts";
import { refuse } from "./refuse.ts";

for (const [name, [text, expected]] of Object.entries(ENV_FILES)) {
  test(`env files read as Node reads them: ${name}`, (t) => {
    const path = join(projectDirectory(t), ".env");
    writeFileSync(path, text);
    assert.deepEqual({ ...read(path) }, expected);
  });
}

test("a missing file reads as undefined", (t) => {
  assert.equal(read(join(projectDirectory(t), ".env")), undefined);
});

/** What the Problem a function throws says. */
function problem(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Problem, String(error));
    return error;
  }
  assert.fail("no Problem");
}

test("bytes that are not UTF-8 are a problem naming the file and the offset", (t) => {
  const path = join(projectDirectory(t), ".env");
  writeFileSync(path, Buffer.from("A=1\nTITLE=Caf\xe9\n", "latin1"));
  const raised = problem(() => read(path));
  assert.equal(raised.status, 2);
  assert.equal(
    raised.text.message,
    `${basename(path)} is not UTF-8 text: the first bad byte is at offset 13.`,
  );
  assert.match(raised.text.hint ?? "", /UTF-8/);
});

test("a directory is a problem naming it", (t) => {
  const path = join(projectDirectory(t), ".env.staging");
  mkdirSync(path);
  assert.equal(
    problem(() => read(path)).text.message,
    `${basename(path)} cannot be read: it is a directory.`,
  );
});

test("a file that cannot be made private is left readable", (t) => {
  const path = join(projectDirectory(t), ".env");
  writeFileSync(path, "OPENROUTER_API_KEY=x\n", { mode: 0o640 });
  fs.chmodSync(path, 0o640);
  assert.equal(makePrivate(path), "madePrivate");
  assert.equal(makePrivate(path), "private");
  fs.chmodSync(path, 0o640);
  t.after(refuse({ unchangeable: [path] }));
  assert.equal(makePrivate(path), "leftReadable");
});

for (const [name, [before, after]] of Object.entries(KEY_WRITES)) {
  test(`writeKey changes only the key's value: ${name}`, (t) => {
    const path = join(projectDirectory(t), ".env.staging");
    writeFileSync(path, before);
    const key = newKey();
    writeKey(path, key);
    assert.equal(readFileSync(path, "utf8"), after.replaceAll("{key}", key));
    assert.equal(read(path)?.OPENROUTER_API_KEY, key);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });
}

const QUOTED: [key: string, spelled: string][] = [
  ["sk-or-v1-ab#cd", '"sk-or-v1-ab#cd"'],
  ['sk-or-v1-"ab#', "'sk-or-v1-\"ab#'"],
  ["sk-or-v1-abcd ", '"sk-or-v1-abcd "'],
  ['"sk-or-v1-abcd"', "'\"sk-or-v1-abcd\"'"],
];

for (const [key, spelled] of QUOTED) {
  test(`writeKey quotes ${JSON.stringify(key)} so that it reads back whole`, (t) => {
    const path = join(projectDirectory(t), ".env.staging");
    writeKey(path, key);
    assert.equal(readFileSync(path, "utf8"), `OPENROUTER_API_KEY=${spelled}\n`);
    assert.equal(read(path)?.OPENROUTER_API_KEY, key);
  });
}

test("a missing file starts as its example", (t) => {
  const directory = projectDirectory(t);
  writeFileSync(join(directory, ".env.staging.example"), "# example\nOPENROUTER_API_KEY=\nA=1\n");
  const key = newKey();
  writeKey(join(directory, ".env.staging"), key);
  const written = readFileSync(join(directory, ".env.staging"), "utf8");
  assert.equal(written, `# example\nOPENROUTER_API_KEY=${key}\nA=1\n`);
});

test("writeKey refuses a key no env file can spell", (t) => {
  const directory = projectDirectory(t);
  const path = join(directory, ".env.staging");
  writeFileSync(path, "OPENROUTER_API_KEY=old\n");
  assert.match(
    problem(() => writeKey(path, "sk-or-v1-#\"'`")).text.message,
    /no env file can quote/,
  );
  assert.equal(readFileSync(path, "utf8"), "OPENROUTER_API_KEY=old\n");
  assert.deepEqual(readdirSync(directory), [".env.staging"]);
});

// A linked env file (shared, or kept elsewhere) stays linked: its target gets the key.
test("writeKey writes through a symlink and keeps it", (t) => {
  const directory = projectDirectory(t);
  mkdirSync(join(directory, "secrets"));
  const target = join(directory, "secrets", "development.env");
  writeFileSync(target, "# shared\nOPENROUTER_API_KEY=old\n");
  const path = join(directory, ".env.staging");
  symlinkSync(join("secrets", "development.env"), path);
  const key = newKey();
  writeKey(path, key);
  assert.ok(lstatSync(path).isSymbolicLink());
  assert.equal(readFileSync(target, "utf8"), `# shared\nOPENROUTER_API_KEY=${key}\n`);
  assert.equal(statSync(target).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(directory, "secrets")), ["development.env"]);
});

test("writeKey through a dangling symlink creates its target", (t) => {
  const directory = projectDirectory(t);
  const path = join(directory, ".env.staging");
  symlinkSync("elsewhere.env", path);
  const key = newKey();
  writeKey(path, key);
  assert.ok(lstatSync(path).isSymbolicLink());
  assert.equal(
    readFileSync(join(directory, "elsewhere.env"), "utf8"),
    `OPENROUTER_API_KEY=${key}\n`,
  );
});

/** Replace functions of a built-in module (default and named exports alike) for one test. */
function replace<M extends object>(t: TestContext, module: M, functions: Partial<M>): void {
  const original = Object.fromEntries(
    Object.keys(functions).map((name) => [name, module[name as keyof M]]),
  );
  Object.assign(module, functions);
  syncBuiltinESMExports();
  t.after(() => {
    Object.assign(module, original);
    syncBuiltinESMExports();
  });
}

test("writeKey leaves the old file whole and no temporary file on failure", (t) => {
  const directory = projectDirectory(t);
  const path = join(directory, ".env.staging");
  writeFileSync(path, "OPENROUTER_API_KEY=old\n");
  const noSpace = Object.assign(new Error("ENOSPC: no space left on device, fsync"), {
    code: "ENOSPC",
    errno: -28,
  });
  replace(t, fs, {
    fsyncSync: () => {
      throw noSpace;
    },
  });
  const raised = problem(() => writeKey(path, newKey()));
  assert.equal(
    raised.text.message,
    `${basename(path)} could not be written: no space left on device.`,
  );
  assert.equal(readFileSync(path, "utf8"), "OPENROUTER_API_KEY=old\n");
  assert.deepEqual(readdirSync(directory), [".env.staging"]);
});

test("writeKey never writes through a symlink planted at the temporary name", (t) => {
  const directory = projectDirectory(t);
  const target = join(directory, "elsewhere");
  writeFileSync(target, "untouched\n");
  replace(t, crypto, { randomBytes: (() => Buffer.from("planted")) as typeof crypto.randomBytes });
  const hex = Buffer.from("planted").toString("hex");
  symlinkSync(target, join(directory, `.env.staging.tmp-${hex}`));
  const raised = problem(() => writeKey(join(directory, ".env.staging"), newKey()));
  assert.match(raised.text.message, /could not be written: file already exists/);
  assert.equal(readFileSync(target, "utf8"), "untouched\n");
});

test("the temporary file is private from creation, created exclusively, never through a link", (t) => {
  const directory = projectDirectory(t);
  const opened: [path: string, flags: unknown, mode: unknown][] = [];
  const openSync = fs.openSync;
  replace(t, fs, {
    openSync: ((path: string, flags: number, mode: number) => {
      opened.push([path, flags, mode]);
      return openSync(path, flags, mode);
    }) as typeof fs.openSync,
  });
  writeKey(join(directory, ".env.staging"), newKey());
  const [[path, flags, mode] = ["", 0, 0]] = opened.filter(([name]) => name.includes(".tmp-"));
  assert.match(path, /\/\.env\.staging\.tmp-[0-9a-f]+$/);
  const { O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  assert.equal(Number(flags) & (O_CREAT | O_EXCL | O_NOFOLLOW), O_CREAT | O_EXCL | O_NOFOLLOW);
  assert.equal(mode, 0o600);
});
