// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Moved: the fake OpenRouter is test/openrouter/fake-server.ts; for your tests, fakeOpenRouter()
 * in test/openrouter/fake.ts.
 *
 * Tests written for the template's 0.2.0 release import from here, and `node
 * test/fake-openrouter.ts` still runs the fake (`npm run --silent fake` is the command); this
 * shim keeps both working, with a DeprecationWarning, for this release only.
 */

import { main } from "./openrouter/fake-server.ts";

export * from "./openrouter/fake-server.ts";

process.emitWarning(
  'test/fake-openrouter.ts is deprecated: import { fakeOpenRouter } from "./openrouter/fake.ts"',
  "DeprecationWarning",
  "OPENROUTER_KIT_MOVED",
);

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
