// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * The .env file format: reading it exactly as Node does, and the one change this project makes.
 *
 * Files are parsed with Node's own parser (util.parseEnv), so they mean here what they mean to
 * `node --env-file`. They are read as UTF-8 (a leading byte-order mark is dropped); a file that
 * cannot be read is a Problem naming it, never a stack trace. Env files that hold a key are kept
 * readable by their owner only.
 */

import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname } from "node:path";
import { getSystemErrorMessage, parseEnv } from "node:util";

import * as catalog from "./catalog.ts";
import { Problem } from "./catalog.ts";

export const BOM = "\uFEFF";
/** A line that sets the key, as parseEnv reads names: `export ` may come first. */
const KEY_LINE = /^[ \t]*(?:export [ \t]*)?OPENROUTER_API_KEY[ \t]*=[ \t]*/;
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LENIENT = new TextDecoder("utf-8", { ignoreBOM: true });

/** Whether makePrivate() found the file private, made it so, or was not allowed to. */
export type Privacy = "private" | "madePrivate" | "leftReadable";

/** The variables a .env file's text sets: Node's own parser, util.parseEnv. */
export function parse(text: string): Record<string, string | undefined> {
  return parseEnv(text);
}

/** Bytes that are not UTF-8: offset is where the first bad one sits. */
export class NotUtf8 extends Error {
  readonly offset: number;

  constructor(offset: number) {
    super(`not UTF-8 at byte ${offset}`);
    this.offset = offset;
  }
}

/** A file's bytes as text: UTF-8, without a leading byte-order mark unless keepBom. */
export function decode(data: Uint8Array, { keepBom = false } = {}): string {
  let text: string;
  try {
    text = STRICT.decode(data);
  } catch {
    throw new NotUtf8(firstBadByte(data));
  }
  return !keepBom && text.startsWith(BOM) ? text.slice(1) : text;
}

/** Where a lenient decoder first writes U+FFFD for bytes that did not spell U+FFFD themselves. */
function firstBadByte(data: Uint8Array): number {
  let offset = 0;
  for (const character of LENIENT.decode(data)) {
    const spelled = data[offset] === 0xef && data[offset + 1] === 0xbf && data[offset + 2] === 0xbd;
    if (character === "\uFFFD" && !spelled) {
      return offset;
    }
    offset += Buffer.byteLength(character);
  }
  return offset;
}

/** Whether an error is the operating system's, with one of these codes (any, if none given). */
export function isSystemError(error: unknown, ...codes: string[]): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    (codes.length === 0 || codes.includes(error.code))
  );
}

/** Why the operating system refused to read a file, in a few words. */
export function reason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "it does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    default:
      return error.errno === undefined ? error.message : getSystemErrorMessage(error.errno);
  }
}

/**
 * The text of an env file, or undefined if there is no such file.
 *
 * Any other failure is a Problem naming the file: one it may not read, a directory, bytes that are
 * not UTF-8 (with the offset of the first one). A byte-order mark is dropped, unless keepBom (to
 * write the file back).
 */
export function readText(path: string, { keepBom = false } = {}): string | undefined {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    if (!isSystemError(error)) {
      throw error;
    }
    if (error.code === "ENOENT") {
      return undefined;
    }
    throw new Problem(
      catalog.say("envfile.unreadable", { file: basename(path), reason: reason(error) }),
    );
  }
  try {
    return decode(data, { keepBom });
  } catch (error) {
    if (!(error instanceof NotUtf8)) {
      throw error;
    }
    throw new Problem(
      catalog.say("envfile.not_utf8", { file: basename(path), offset: error.offset }),
    );
  }
}

/** The variables an env file sets, or undefined if there is no such file (see readText). */
export function read(path: string): Record<string, string | undefined> | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parse(text);
}

/** Whether the file exists and sets OPENROUTER_API_KEY. */
export function holdsKey(path: string): boolean {
  return Boolean(read(path)?.OPENROUTER_API_KEY);
}

/**
 * Make a file that holds a key readable by its owner only, if the system lets us.
 *
 * A file another user owns (a root-owned secret mounted 0640, say) or one on a read-only
 * filesystem cannot be changed: that is leftReadable, for verify to warn about, and the app
 * carries on.
 */
export function makePrivate(path: string): Privacy {
  if (process.platform === "win32" || (statSync(path).mode & 0o077) === 0) {
    return "private";
  }
  try {
    chmodSync(path, 0o600);
  } catch (error) {
    if (isSystemError(error, "EPERM", "EACCES", "EROFS")) {
      return "leftReadable";
    }
    throw error;
  }
  return "madePrivate";
}

/**
 * The value as an env file must spell it to read back exactly: bare if it can be.
 *
 * A #, surrounding spaces or a leading quote need quotes; the first kind of quote that reads back
 * whole is used. Problem if none does.
 */
export function quoted(value: string): string {
  for (const spelled of [value, `"${value}"`, `'${value}'`, `\`${value}\``]) {
    if (parse(`VALUE=${spelled}\n`).VALUE === value) {
      return spelled;
    }
  }
  throw new Problem(catalog.say("envfile.unwritable_value"));
}

/**
 * The env file's text with the key set: only the OPENROUTER_API_KEY line changes.
 *
 * Every other byte stays: comments, the byte-order mark, CRLF line endings. Without such a line,
 * one is added. Problem if the result would not read back as this key (the line sits inside a
 * multi-line quoted value, say).
 */
export function withKey(text: string, key: string, file: string): string {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = text.slice(bom.length);
  const newline = body.includes("\r\n") ? "\r\n" : "\n";
  const value = quoted(key);
  let replaced = false;
  const lines = body.split("\n").map((line) => {
    const match = KEY_LINE.exec(line);
    if (match === null) {
      return line;
    }
    replaced = true;
    return `${match[0]}${value}${line.endsWith("\r") ? "\r" : ""}`;
  });
  let updated = lines.join("\n");
  if (!replaced) {
    if (updated && !updated.endsWith("\n")) {
      updated += newline;
    }
    updated += `OPENROUTER_API_KEY=${value}${newline}`;
  }
  if (parse(updated).OPENROUTER_API_KEY !== key) {
    throw new Problem(catalog.say("envfile.key_unreadable_after_write", { file }));
  }
  return bom + updated;
}

/**
 * Put the key in the env file, mode 600 from the start: only its OPENROUTER_API_KEY line changes.
 *
 * A missing file starts as a copy of its .example. The new text goes to a temporary file next to
 * it (.env.<environment>.tmp-<random>, which .gitignore covers, created exclusively and never
 * through a symlink), reaches the disk, then replaces the file in one step: an interruption leaves
 * the old file whole, and a failure leaves no temporary file behind (and is a Problem).
 */
export function writeKey(path: string, key: string): void {
  const keepBom = { keepBom: true };
  const text = readText(path, keepBom) ?? readText(`${path}.example`, keepBom) ?? "";
  const updated = withKey(text, key, basename(path));
  const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0 } = constants;
  try {
    const descriptor = openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      try {
        if (process.platform !== "win32") {
          fchmodSync(descriptor, 0o600); // whatever the umask
        }
        writeFileSync(descriptor, updated);
        fsyncSync(descriptor);
      } finally {
        closeSync(descriptor);
      }
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  } catch (error) {
    if (!isSystemError(error)) {
      throw error;
    }
    throw new Problem(
      catalog.say("envfile.unwritable", { file: basename(path), reason: reason(error) }),
    );
  }
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
