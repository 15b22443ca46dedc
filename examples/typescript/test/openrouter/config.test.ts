// Maintained by the OpenRouter app template: copier update replaces this file.
/** Which environment is used, and where each setting comes from. */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { inspect } from "node:util";

import {
  command,
  DEFAULT_ENVIRONMENT,
  DEFAULTS,
  ENVIRONMENTS,
  keyHash,
  keyProblem,
  loadSettings,
  mask,
  Problem,
} from "../../src/openrouter/config.ts";
import { newKey } from "./fake-server.ts";
import { projectDirectory } from "./fixtures.ts";
import { refuse } from "./refuse.ts";

const OWN_FILE = `.env.${DEFAULT_ENVIRONMENT}`;

test("defaults are the answers the project was generated with", (t) => {
  const settings = loadSettings(undefined, { directory: projectDirectory(t), environ: {} });
  assert.equal(settings.environment, DEFAULT_ENVIRONMENT);
  assert.equal(settings.selectedBy, "default");
  assert.equal(settings.appTitle, DEFAULTS.OPENROUTER_APP_TITLE);
  assert.equal(settings.baseUrl, "https://openrouter.ai/api/v1");
  assert.equal(settings.apiKey, "");
  assert.equal(settings.keySource, "nowhere");
});

test("the process environment wins over env files", (t) => {
  const directory = projectDirectory(t);
  writeFileSync(join(directory, OWN_FILE), "OPENROUTER_MODEL=from/env-file\n");
  const settings = loadSettings(undefined, {
    directory,
    environ: { OPENROUTER_MODEL: "from/process" },
  });
  assert.equal(settings.model, "from/process");
  assert.equal(settings.sources.OPENROUTER_MODEL, "the process environment");
});

test("the environment's file wins over .env", (t) => {
  const directory = projectDirectory(t);
  writeFileSync(
    join(directory, ".env"),
    "OPENROUTER_MODEL=from/dot-env\nOPENROUTER_APP_TITLE=Shared\n",
  );
  writeFileSync(join(directory, OWN_FILE), "OPENROUTER_MODEL=from/env-file\n");
  const settings = loadSettings(undefined, { directory, environ: {} });
  assert.equal(settings.model, "from/env-file");
  assert.equal(settings.appTitle, "Shared");
  assert.deepEqual(settings.filesRead, [OWN_FILE, ".env"]);
});

test("empty values fall through to the next source", (t) => {
  const directory = projectDirectory(t);
  writeFileSync(join(directory, ".env"), "OPENROUTER_MODEL=from/dot-env\n");
  writeFileSync(join(directory, OWN_FILE), "OPENROUTER_MODEL=\n");
  const settings = loadSettings(undefined, { directory, environ: { OPENROUTER_MODEL: "" } });
  assert.equal(settings.model, "from/dot-env");
});

test("--env wins over APP_ENV", (t) => {
  const directory = projectDirectory(t);
  const environ = { APP_ENV: ENVIRONMENTS.at(-1) };
  assert.equal(loadSettings(undefined, { directory, environ }).selectedBy, "APP_ENV");
  const settings = loadSettings(ENVIRONMENTS[0], { directory, environ });
  assert.deepEqual([settings.environment, settings.selectedBy], [ENVIRONMENTS[0], "--env"]);
});

test("an unknown environment is refused, naming the valid ones", (t) => {
  const directory = projectDirectory(t);
  assert.throws(
    () => loadSettings(undefined, { directory, environ: { APP_ENV: "qa" } }),
    (error: unknown) => {
      assert.ok(error instanceof Problem);
      assert.equal(error.status, 2);
      assert.match(error.text.message, /Unknown environment 'qa'/);
      for (const environment of ENVIRONMENTS) {
        assert.ok(error.text.hint?.includes(environment));
      }
      return true;
    },
  );
});

test("no printed form of the settings shows the key", (t) => {
  const directory = projectDirectory(t);
  const key = newKey();
  writeFileSync(join(directory, OWN_FILE), `OPENROUTER_API_KEY=${key}\n`);
  const settings = loadSettings(undefined, { directory, environ: {} });
  assert.equal(settings.apiKey, key);
  for (const printed of [inspect(settings), JSON.stringify(settings), String(settings)]) {
    assert.ok(!printed.includes(key), printed);
  }
  assert.equal(mask(key), `sk-or-v1-…${key.slice(-4)}`);
});

test("env files holding a key are made private", { skip: process.platform === "win32" }, (t) => {
  const directory = projectDirectory(t);
  const path = join(directory, OWN_FILE);
  writeFileSync(path, `OPENROUTER_API_KEY=${newKey()}\n`);
  chmodSync(path, 0o644);
  assert.deepEqual(loadSettings(undefined, { directory, environ: {} }).filesMadePrivate, [
    OWN_FILE,
  ]);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test("the key can come from a key file, trimmed, and the file is never chmodded", (t) => {
  const directory = projectDirectory(t);
  const key = newKey();
  mkdirSync(join(directory, "secrets"));
  const secret = join(directory, "secrets", "openrouter");
  writeFileSync(secret, `  ${key}\n\n`, { mode: 0o644 });
  chmodSync(secret, 0o644);
  writeFileSync(join(directory, OWN_FILE), "OPENROUTER_API_KEY_FILE=secrets/openrouter\n");
  const settings = loadSettings(undefined, { directory, environ: {} });
  assert.equal(settings.apiKey, key);
  assert.equal(settings.keySource, `secrets/openrouter (OPENROUTER_API_KEY_FILE in ${OWN_FILE})`);
  assert.equal(statSync(secret).mode & 0o777, 0o644);
});

test("the highest source that names a key wins", (t) => {
  const directory = projectDirectory(t);
  const [inFile, inDotEnv] = [newKey(), newKey()];
  writeFileSync(join(directory, "key"), inFile);
  writeFileSync(join(directory, ".env"), `OPENROUTER_API_KEY=${inDotEnv}\n`);
  const own = join(directory, OWN_FILE);
  writeFileSync(own, "OPENROUTER_API_KEY_FILE=key\n");
  const load = (environ = {}) => loadSettings(undefined, { directory, environ });
  assert.equal(load().apiKey, inFile, ".env.<environment> wins over .env");

  writeFileSync(own, `OPENROUTER_API_KEY_FILE=key\nOPENROUTER_API_KEY=${inDotEnv}\n`);
  assert.equal(load().apiKey, inDotEnv, "within one source, the key wins");

  const settings = load({ OPENROUTER_API_KEY_FILE: join(directory, "key") });
  assert.equal(settings.apiKey, inFile, "the process environment wins over the files");
  assert.match(settings.keySource, /\(OPENROUTER_API_KEY_FILE in the process environment\)$/);
});

const UNUSABLE_KEY_FILES: [name: string, contents: Buffer | null, says: string][] = [
  ["missing", null, "cannot be read: it does not exist"],
  ["empty", Buffer.alloc(0), "is empty"],
  ["not UTF-8", Buffer.from("sk-or-v1-\xff\n", "latin1"), "the first bad byte is at offset 9"],
  ["too large", Buffer.alloc(64 * 1024 + 1, "x"), "is larger than 64 KiB"],
];

for (const [name, contents, says] of UNUSABLE_KEY_FILES) {
  test(`a key file that is ${name} names the variable and the path, never the content`, (t) => {
    const directory = projectDirectory(t);
    if (contents !== null) {
      writeFileSync(join(directory, "key"), contents);
    }
    const environ = { OPENROUTER_API_KEY_FILE: "key" };
    assert.throws(
      () => loadSettings(undefined, { directory, environ }),
      (error: unknown) => {
        assert.ok(error instanceof Problem);
        assert.equal(error.status, 2);
        const { message } = error.text;
        assert.ok(
          message.startsWith("OPENROUTER_API_KEY_FILE (key, set in the process environment) "),
        );
        assert.ok(message.includes(says), message);
        assert.ok(!message.includes("sk-or-v1"));
        return true;
      },
    );
  });
}

test("an env file that cannot be made private is used and reported", (t) => {
  const directory = projectDirectory(t);
  const key = newKey();
  const path = join(directory, OWN_FILE);
  writeFileSync(path, `OPENROUTER_API_KEY=${key}\n`);
  chmodSync(path, 0o640);
  t.after(refuse({ unchangeable: [path] }));
  const settings = loadSettings(undefined, { directory, environ: {} });
  assert.equal(settings.apiKey, key);
  assert.deepEqual(settings.filesLeftReadable, [OWN_FILE]);
});

test("a directory named .env is not an env file", (t) => {
  // Older tutorials put a virtualenv in .env/.
  const directory = projectDirectory(t);
  mkdirSync(join(directory, ".env"));
  assert.deepEqual(loadSettings(undefined, { directory, environ: {} }).filesRead, []);
});

const KEY_PROBLEMS: [string, string | null][] = [
  ["", "key_format.missing"],
  ["sk-or-v1-...", "key_format.placeholder"],
  ["sk-or-v1-<your-key>", "key_format.placeholder"],
  ["sk-proj-abc123", "key_format.prefix"],
  [" sk-or-v1-abc123", "key_format.whitespace"],
  ['"sk-or-v1-abc123"', "key_format.quotes"],
  ["sk\u2010or-v1-abc123", "key_format.non_ascii"],
  ["sk-or-v1-abc123", null],
];

for (const [key, problem] of KEY_PROBLEMS) {
  test(`key problems are named: ${JSON.stringify(key)} is ${problem}`, () => {
    assert.equal(keyProblem(key), problem);
  });
}

test("commands are spelled as users type them, never with a dangling --", () => {
  assert.equal(command("login", "--env", "staging"), "npm run --silent login -- --env staging");
  assert.equal(command("verify"), "npm run --silent verify");
  assert.equal(command("start", '"Say hello"'), 'npm start --silent -- "Say hello"');
  assert.equal(command("start"), "npm start --silent");
});

test("replies are bounded to 1024 tokens unless said otherwise", (t) => {
  const directory = projectDirectory(t);
  assert.equal(loadSettings(undefined, { directory, environ: {} }).maxTokens, 1024);
  writeFileSync(join(directory, ".env"), "OPENROUTER_MAX_TOKENS=64\n");
  assert.equal(loadSettings(undefined, { directory, environ: {} }).maxTokens, 64);
});

for (const value of ["0", "-5", "1.5", "lots", "1e3", "1".repeat(16)]) {
  test(`OPENROUTER_MAX_TOKENS must be a whole number from 1, not ${value}`, (t) => {
    const directory = projectDirectory(t);
    writeFileSync(join(directory, ".env"), `OPENROUTER_MAX_TOKENS=${value}\n`);
    assert.throws(
      () => loadSettings(undefined, { directory, environ: {} }),
      (error: unknown) =>
        error instanceof Problem &&
        error.status === 2 &&
        error.text.message.includes(`OPENROUTER_MAX_TOKENS (${value})`),
    );
  });
}

test("a key is named by its sha256 hex", () => {
  const key = newKey();
  assert.equal(keyHash(key), createHash("sha256").update(key).digest("hex"));
  assert.equal(keyHash(key).length, 64);
});

test("an app's own settings come by the same precedence", (t) => {
  const directory = projectDirectory(t);
  writeFileSync(join(directory, ".env"), "MY_FLAG=from-dot-env\nMY_LIMIT=3\nMY_EMPTY=\n");
  writeFileSync(join(directory, OWN_FILE), "MY_FLAG=from-environment-file\n");
  const settings = loadSettings(undefined, { directory, environ: { MY_LIMIT: "" } });
  assert.equal(settings.get("MY_FLAG"), "from-environment-file");
  assert.equal(settings.get("MY_LIMIT"), "3", "an empty value counts as unset");
  assert.equal(settings.get("MY_EMPTY"), undefined);
  assert.equal(settings.get("MY_MISSING", "off"), "off");
  assert.equal(settings.get("OPENROUTER_MODEL"), DEFAULTS.OPENROUTER_MODEL);
  const environ = { MY_FLAG: "from-the-process" };
  assert.equal(loadSettings(undefined, { directory, environ }).get("MY_FLAG"), "from-the-process");
});

test("the environment's own env file is known to the settings", (t) => {
  const directory = projectDirectory(t);
  const settings = loadSettings(undefined, { directory, environ: {} });
  assert.equal(settings.envFile, join(directory, OWN_FILE));
  const key = newKey();
  const keyed = loadSettings(undefined, { directory, environ: { OPENROUTER_API_KEY: key } });
  for (const printed of [inspect(keyed), JSON.stringify(keyed)]) {
    assert.ok(!printed.includes(key), "the sources get() reads are not printed either");
  }
  assert.equal(keyed.get("OPENROUTER_API_KEY"), key);
});
