/** Hostile inputs: every row of the shared table, in this project (rows: hostile-inputs.ts). */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";

import { DEFAULT_ENVIRONMENT, ENVIRONMENTS } from "../src/config.ts";
import { Command, projectDirectory, type Ran, type Script, startFake } from "./fixtures.ts";
import { type Project, ROWS, type Row, Setup } from "./hostile-inputs.ts";

const PROJECT: Project = { environment: DEFAULT_ENVIRONMENT, environments: ENVIRONMENTS };
/** Milliseconds any row may take: generous, since the fake answers at once and nothing waits. */
const TIME_BOUND = 30_000;

/** The table's commands, as the tests run them. */
const COMMANDS: Readonly<Record<string, readonly [Script, ...string[]]>> = {
  start: ["main", "Say hello"],
  verify: ["verify", "--json"],
  login: ["login", "--no-browser"],
};

/** Run the row's command as its table says, the test playing login's browser. */
async function run(row: Row, setup: Setup): Promise<Ran> {
  const command = COMMANDS[row.command];
  assert.ok(command, `no way to run ${row.command}`);
  const [script, ...args] = command;
  const running = new Command(script, [...args, ...setup.args], {
    cwd: setup.directory,
    env: setup.env,
    refuse: { unreadable: setup.unreadable, unchangeable: setup.unchangeable },
  });
  if (row.command === "login") {
    await setup.browser(await running.stderrLine(/^https?:\/\//));
  }
  return running.exited;
}

/** Every file and directory under directory: a file's bytes, null for a directory. */
function snapshot(directory: string): Map<string, string | null> {
  return new Map(
    readdirSync(directory, { recursive: true, encoding: "utf8" }).map((name) => {
      const path = join(directory, name);
      return [name, statSync(path).isDirectory() ? null : readFileSync(path, "latin1")];
    }),
  );
}

describe("hostile inputs get one clear message and lose nothing", {
  concurrency: availableParallelism(),
}, () => {
  for (const row of ROWS) {
    test(row.name, async (t) => {
      const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
      row.prepare(setup);
      const before = snapshot(setup.directory);
      const started = performance.now();

      const { status, stdout, stderr } = await run(row, setup);

      assert.ok(performance.now() - started < TIME_BOUND, "it took too long");
      assert.equal(status, row.exitCode, stdout + stderr);
      assert.ok((stdout + stderr).includes(row.phrase), stdout + stderr);
      assert.ok(!stderr.includes("Traceback") && !stderr.includes("    at "), stderr);
      if (row.command === "verify") {
        JSON.parse(stdout); // strict JSON, even here
        assert.equal(stderr, "");
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
    });
  }
});
