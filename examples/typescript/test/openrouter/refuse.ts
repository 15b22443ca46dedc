// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * Make the operating system refuse what a test says, for the files it names: reading them (EACCES)
 * or changing their mode (EPERM), as it does for a file another user owns, whatever user runs the
 * tests (root reads and chmods anything).
 *
 * In a test, refuse() returns the function that undoes it. For a process a test starts, preload
 * this file (node --import ./test/openrouter/refuse.ts) with REFUSE set to the JSON of the Refusals.
 */

import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { resolve } from "node:path";

/** The files whose reading, or whose change of mode, the system refuses. */
export interface Refusals {
  unreadable?: readonly string[];
  unchangeable?: readonly string[];
}

/** An error shaped like the ones Node's fs functions throw. */
function systemError(code: "EACCES" | "EPERM", syscall: string, path: string): Error {
  const text = code === "EACCES" ? "permission denied" : "operation not permitted";
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), {
    code,
    errno: code === "EACCES" ? -13 : -1,
    syscall,
    path,
  });
}

/** Refuse the reads and mode changes the refusals name; returns how to undo it. */
export function refuse({ unreadable = [], unchangeable = [] }: Refusals): () => void {
  const original = {
    readFileSync: fs.readFileSync,
    openSync: fs.openSync,
    chmodSync: fs.chmodSync,
  };
  const named = (path: unknown, among: readonly string[]): path is string =>
    typeof path === "string" && among.some((refused) => resolve(refused) === resolve(path));
  Object.assign(fs, {
    readFileSync: (path: unknown, ...rest: unknown[]) => {
      if (named(path, unreadable)) {
        throw systemError("EACCES", "open", path);
      }
      return Reflect.apply(original.readFileSync, fs, [path, ...rest]);
    },
    openSync: (path: unknown, ...rest: unknown[]) => {
      if (named(path, unreadable)) {
        throw systemError("EACCES", "open", path);
      }
      return Reflect.apply(original.openSync, fs, [path, ...rest]);
    },
    chmodSync: (path: unknown, ...rest: unknown[]) => {
      if (named(path, unchangeable)) {
        throw systemError("EPERM", "chmod", path);
      }
      Reflect.apply(original.chmodSync, fs, [path, ...rest]);
    },
  });
  // The named exports (import { readFileSync } from "node:fs") follow the default export.
  syncBuiltinESMExports();
  return () => {
    Object.assign(fs, original);
    syncBuiltinESMExports();
  };
}

if (process.env.REFUSE) {
  refuse(JSON.parse(process.env.REFUSE) as Refusals);
}
