// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Moved: the hostile-inputs table is test/openrouter/hostile-inputs.ts, the kit's.
 *
 * Tests written for the template's 0.2.0 release import from here; this shim keeps them working,
 * with a DeprecationWarning, for this release only. The starter's rows now run in
 * test/openrouter/hostile-inputs.test.ts.
 */

export * from "./openrouter/hostile-inputs.ts";

process.emitWarning(
  "test/hostile-inputs.ts is deprecated: test/openrouter/hostile-inputs.test.ts runs its rows",
  "DeprecationWarning",
  "OPENROUTER_KIT_MOVED",
);
