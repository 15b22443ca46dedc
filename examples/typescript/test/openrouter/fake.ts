// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * For your own tests: a fake OpenRouter on 127.0.0.1 (no key, no network), and a project
 * directory pointed at it through .env, where your app runs as users run it.
 *
 *     import { fakeOpenRouter } from "./openrouter/fake.ts";
 *
 *     test("my app asks for the configured model", async (t) => {
 *       const app = await fakeOpenRouter(t); // stopped and removed when the test ends
 *       assert.equal((await app.run(["Say hello"])).status, 0); // node src/main.ts "Say hello"
 *       assert.equal(app.lastRequest().model, app.settings().model);
 *     });
 *
 * Variables given to fakeOpenRouter() go into .env, those given to run() into the process
 * environment (which wins over .env). The fake's own methods make it misbehave on purpose:
 * respond() answers a path with a status and OpenRouter's error body, streamError ends a stream
 * with an error chunk, and more (fake-server.ts says what each does). No OPENROUTER_* or
 * OPENAI_* variable of yours reaches the app, so no real key is ever used.
 */

import type { TestContext } from "node:test";

import { loadSettings, type Settings } from "../../src/openrouter/config.ts";
import type { FakeOpenRouter } from "./fake-server.ts";
import {
  cleanEnvironment,
  projectDirectory,
  type Ran,
  run,
  type Script,
  startFake,
  useFake,
} from "./fixtures.ts";

export { CHAT, FakeOpenRouter, newKey } from "./fake-server.ts";
export { closedPort, type Ran } from "./fixtures.ts";

/** The fake, and the project directory that uses it. */
export interface FakeApp {
  fake: FakeOpenRouter;
  /** The project directory: an empty one, but for .env. */
  directory: string;
  /** The key in .env (one the fake accepts, unless you gave OPENROUTER_API_KEY). */
  key: string;
  /** Run the starter (or another command) there to the end; stdin is empty. */
  run(args: string[], env?: Record<string, string>, script?: Script): Promise<Ran>;
  /** The settings the app reads there (with these process variables). */
  settings(env?: Record<string, string>): Settings;
  /** The JSON body of the last request the fake received ({} if none). */
  lastRequest(): Record<string, unknown>;
}

/** Start a fake OpenRouter and an empty project directory whose .env points at it. */
export async function fakeOpenRouter(
  t: TestContext,
  values: Record<string, string> = {},
): Promise<FakeApp> {
  const fake = await startFake(t);
  const directory = projectDirectory(t);
  const key = useFake(directory, fake, values);
  return {
    fake,
    directory,
    key,
    run: (args, env = {}, script = "main") => run(script, args, { cwd: directory, env }),
    settings: (env = {}) => loadSettings(undefined, { directory, environ: cleanEnvironment(env) }),
    lastRequest: () => JSON.parse(fake.requests.at(-1)?.body ?? "{}"),
  };
}
