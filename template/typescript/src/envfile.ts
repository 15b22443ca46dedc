/**
 * The .env file format: reading it as Node does, and the one change this project makes to it.
 *
 * Files are read with Node's own parser (util.parseEnv), so they mean here what they mean to
 * `node --env-file`. Env files that hold a key are kept readable by their owner only.
 */

import {
  accessSync,
  chmodSync,
  constants,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseEnv } from "node:util";

import type * as catalog from "./catalog.ts";

const KEY_LINE = /^([ \t]*(?:export[ \t]+)?OPENROUTER_API_KEY[ \t]*=)[^\n]*?(\r?\n)?$/;

/** The variables a .env file sets. */
export function read(path: string): Record<string, string | undefined> {
  return parseEnv(readFileSync(path, "utf8"));
}

/** Whether the file exists and sets OPENROUTER_API_KEY. */
export function holdsKey(path: string): boolean {
  return isFile(path) && Boolean(read(path).OPENROUTER_API_KEY);
}

/** Make a file that holds a key readable by its owner only; true if it was not. */
export function makePrivate(path: string): boolean {
  if (process.platform === "win32" || (statSync(path).mode & 0o077) === 0) {
    return false;
  }
  chmodSync(path, 0o600);
  return true;
}

/**
 * Put the key in the env file, mode 600: only its OPENROUTER_API_KEY line changes.
 *
 * A missing file starts as a copy of its .example. The file is replaced in one step, so an
 * interruption leaves the old one whole.
 */
export function writeKey(path: string, key: string): void {
  const source = [path, `${path}.example`].find(isFile);
  const text = source === undefined ? "" : readFileSync(source, "utf8");
  const lines = text.split(/(?<=\n)/).filter(Boolean);
  let replaced = false;
  const updated = lines.map((line) => {
    const match = KEY_LINE.exec(line);
    if (match === null) {
      return line;
    }
    replaced = true;
    return `${match[1]}${key}${match[2] ?? ""}`;
  });
  if (!replaced) {
    if (updated.length > 0 && !updated.at(-1)?.endsWith("\n")) {
      updated.push("\n");
    }
    updated.push(`OPENROUTER_API_KEY=${key}\n`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, updated.join(""), { mode: 0o600 });
  renameSync(temporary, path);
  chmodSync(path, 0o600);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * Why writeKey() could not write the file, or null if it can.
 *
 * Checked before anything is asked of OpenRouter, so that a key is never issued only to be lost.
 * The permission bits count even for root: a file or directory made read-only was made so on
 * purpose.
 */
export function checkWritable(path: string): catalog.MessageId | null {
  const directory = statSync(dirname(path), { throwIfNoEntry: false });
  if (!directory?.isDirectory()) {
    return "login.directory_missing";
  }
  const file = statSync(path, { throwIfNoEntry: false });
  if (file?.isDirectory()) {
    return "login.file_is_directory";
  }
  if (file !== undefined && (!allowed(path, constants.W_OK) || (file.mode & 0o200) === 0)) {
    return "login.file_read_only";
  }
  if (!allowed(dirname(path), constants.W_OK | constants.X_OK) || (directory.mode & 0o200) === 0) {
    return "login.directory_read_only";
  }
  return null;
}

function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
