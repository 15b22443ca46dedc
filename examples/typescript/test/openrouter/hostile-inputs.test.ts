// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Hostile inputs: the shared table's rows, in this project (rows: hostile-inputs.ts).
 *
 * The starter's rows hold the starter as the template ships it (reference-starter.ts, never
 * your src/main.ts), asked "Say hello", to what the kit promises: one clear message for a broken
 * env file, key file or stream.
 */

import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, test } from "node:test";

import { DEFAULT_ENVIRONMENT, ENVIRONMENTS } from "../../src/openrouter/config.ts";
import { Command, projectDirectory, type Ran, type Script, startFake } from "./fixtures.ts";
import { check, type Project, ROWS, type Row, Setup } from "./hostile-inputs.ts";

const PROJECT: Project = { environment: DEFAULT_ENVIRONMENT, environments: ENVIRONMENTS };

/** The table's commands, as the tests run them. */
const COMMANDS: Readonly<Record<string, readonly [Script, ...string[]]>> = {
  start: ["starter", "Say hello"],
  verify: ["verify", "--json"],
  // The test plays the browser; a limit, because production keys need one.
  login: ["login", "--no-browser", "--limit", "5"],
  keys: ["keys", "list"],
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
    ...(setup.stdin === null ? {} : { stdin: setup.stdin }),
    ...(setup.stdout === null ? {} : { stdout: setup.stdout }),
    ...(setup.stdoutRead === null ? {} : { stdoutRead: setup.stdoutRead }),
  });
  if (row.command === "login") {
    // The browser opens what login prints, if it gets that far.
    const url = await running.maybeStderrLine(/^https?:\/\//);
    if (url !== null) {
      await setup.browser(url);
    }
  }
  return running.exited;
}

describe("hostile inputs get one clear message and lose nothing", {
  concurrency: availableParallelism(),
}, () => {
  for (const row of ROWS) {
    test(row.name, async (t) => {
      const setup = new Setup(PROJECT, await startFake(t), projectDirectory(t));
      row.prepare(setup);
      await check(row, setup, () => run(row, setup));
    });
  }
});
