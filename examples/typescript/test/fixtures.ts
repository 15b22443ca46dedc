// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Moved: the kit's fixtures are test/openrouter/fixtures.ts; for your tests, fakeOpenRouter() in
 * test/openrouter/fake.ts.
 *
 * Tests written for the template's 0.2.0 release import from here; this shim keeps them working,
 * with a DeprecationWarning, for this release only.
 */

export * from "./openrouter/fixtures.ts";

process.emitWarning(
  'test/fixtures.ts is deprecated: import { fakeOpenRouter } from "./openrouter/fake.ts"',
  "DeprecationWarning",
  "OPENROUTER_KIT_MOVED",
);
