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
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { getSystemErrorMessage, parseEnv } from "node:util";

import * as catalog from "./catalog.ts";
import { Problem } from "./catalog.ts";

export const BOM = "\uFEFF";
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LENIENT = new TextDecoder("utf-8", { ignoreBOM: true });

/** Whether makePrivate() found the file private, made it so, or was not allowed to. */
export type Privacy = "private" | "madePrivate" | "leftReadable";

/** The variables a .env file's text sets: Node's own parser, util.parseEnv. */
export function parse(text: string): Record<string, string | undefined> {
  return parseEnv(text);
}

/** One NAME=value of a .env file, and where the value is spelled in the file's text. */
export interface Assignment {
  name: string;
  value: string;
  /** The value's first character (its opening quote), in the text as given. */
  start: number;
  /** Just past its last (its closing quote, or the last before a # comment). */
  end: number;
}

/** What Node's parser trims around names and values: spaces, tabs and line breaks, nothing else. */
const BLANK = " \t\n";
const QUOTES = "\"'`";

/**
 * Every assignment of a .env file's text, in order, as util.parseEnv reads it (src/node_dotenv.cc,
 * step for step, as the Python flavour ports it): what withKey() needs to replace one value and
 * nothing else, which parseEnv does not tell. withKey() checks its result with parseEnv itself.
 */
export function assignments(text: string): Assignment[] {
  const content = text.replaceAll("\r", "");
  // Where each character of content sits in text.
  const where: number[] = [];
  for (let index = 0; index < text.length; index++) {
    if (text[index] !== "\r") {
      where.push(index);
    }
  }
  const found: Assignment[] = [];
  const add = (name: string, value: string, start: number, end: number) => {
    // An empty value sits right after its `=`; any other spans its first to its last character.
    const stop = (where[end - 1] ?? -1) + 1;
    found.push({ name, value, start: start < end ? (where[start] ?? stop) : stop, end: stop });
  };
  const skip = (at: number, end: number) => {
    let next = at;
    while (next < end && BLANK.includes(content.charAt(next))) {
      next++;
    }
    return next;
  };
  const find = (what: string, from: number, end: number) => {
    const index = content.indexOf(what, from);
    return index === -1 || index >= end ? -1 : index;
  };
  let end = content.length;
  while (end > 0 && BLANK.includes(content.charAt(end - 1))) {
    end--;
  }
  let at = skip(0, end);
  while (at < end) {
    const first = content.charAt(at);
    if (first === "\n" || first === "#") {
      const newline = find("\n", at, end);
      at = newline === -1 ? end : newline + 1;
      continue;
    }
    const equals = find("=", at, end);
    const newline = find("\n", at, end);
    if (equals === -1 || (newline !== -1 && newline < equals)) {
      if (newline === -1) {
        break;
      }
      at = skip(newline + 1, end);
      continue;
    }
    let name = trim(content.slice(at, equals));
    at = equals + 1;
    if (at === end || content.charAt(at) === "\n") {
      add(name, "", at, at);
      continue;
    }
    at = skip(at, end);
    if (!name) {
      continue;
    }
    if (name.startsWith("export ")) {
      name = trim(name.slice("export ".length));
    }
    const quote = content.charAt(at);
    const closing = QUOTES.includes(quote) ? find(quote, at + 1, end) : -1;
    if (closing !== -1) {
      const value = content.slice(at + 1, closing);
      add(name, quote === '"' ? value.replaceAll("\\n", "\n") : value, at, closing + 1);
      const next = find("\n", closing + 1, end);
      at = next === -1 ? end : next + 1;
      continue;
    }
    const next = find("\n", at, end);
    const lineEnd = next === -1 ? end : next;
    const line = content.slice(at, lineEnd);
    if (QUOTES.includes(quote)) {
      add(name, line, at, lineEnd); // never closed: the line as written
    } else {
      const value = trim(line.split("#", 1)[0] ?? "");
      add(name, value, at, at + value.length);
    }
    at = next === -1 ? end : skip(next + 1, end);
  }
  return found;
}

function trim(text: string): string {
  let [start, end] = [0, text.length];
  while (start < end && BLANK.includes(text.charAt(start))) {
    start++;
  }
  while (end > start && BLANK.includes(text.charAt(end - 1))) {
    end--;
  }
  return text.slice(start, end);
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

/** Why a FIFO, a device or a socket is not read as a file. */
export const NOT_REGULAR = "it is not a regular file (a pipe, a device or a socket)";

/**
 * The bytes of a regular file, at most limit + 1 of them (more than limit: too large).
 *
 * Only a regular file is read: a FIFO, a device (/dev/zero), a socket or a directory throws a
 * system error at once, never waited on or read without end.
 */
export function readBounded(path: string, limit: number): Buffer {
  // Non-blocking: opening a FIFO waits for no writer.
  const descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const file = fstatSync(descriptor);
    if (file.isDirectory()) {
      throw Object.assign(new Error("it is a directory"), { code: "EISDIR" });
    }
    if (!file.isFile()) {
      throw Object.assign(new Error(NOT_REGULAR), { code: "ENOTREG" });
    }
    const data = Buffer.alloc(limit + 1);
    let length = 0;
    let read: number;
    do {
      read = readSync(descriptor, data, length, data.length - length, null);
      length += read;
    } while (read > 0 && length < data.length);
    return data.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The text of an env file, or undefined if there is no such file.
 *
 * Any other failure is a Problem naming the file: one it may not read, a directory or anything
 * else but a regular file, one over catalog.MAX_ENV_FILE_BYTES, bytes that are not UTF-8 (with the
 * offset of the first one). A byte-order mark is dropped, unless keepBom (to write the file back).
 */
export function readText(path: string, { keepBom = false } = {}): string | undefined {
  let data: Buffer;
  try {
    data = readBounded(path, catalog.MAX_ENV_FILE_BYTES);
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
  if (data.length > catalog.MAX_ENV_FILE_BYTES) {
    const limit = catalog.MAX_ENV_FILE_BYTES / 1024;
    throw new Problem(catalog.say("envfile.too_large", { file: basename(path), limit }));
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
 * The ways an env file may spell the value so that it reads back exactly, best first.
 *
 * Bare if it can be; a #, surrounding spaces or a leading quote need quotes. Problem if no kind of
 * quote reads back whole.
 */
export function spellings(value: string): string[] {
  const found = [value, `"${value}"`, `'${value}'`, `\`${value}\``].filter(
    (spelled) => parse(`VALUE=${spelled}\n`).VALUE === value,
  );
  if (found.length === 0) {
    throw new Problem(catalog.say("envfile.unwritable_value"));
  }
  return found;
}

/**
 * The env file's text with the key set: only the value of OPENROUTER_API_KEY changes.
 *
 * The file is read as parse() reads it, and only the value of the assignment that counts (the
 * last) is replaced: every other byte stays, inline comments, text inside other (multi-line)
 * values, the byte-order mark and CRLF line endings included. Without such an assignment, one is
 * added at the end. The value is spelled as spellings() says, the first way that reads back in its
 * place; Problem if none does, or if the file would then read as anything but its old variables
 * with this key.
 */
export function withKey(text: string, key: string, file: string): string {
  const bom = text.startsWith(BOM) ? BOM : "";
  const body = text.slice(bom.length);
  const expected = variables({ ...parse(body), OPENROUTER_API_KEY: key });
  const last = assignments(body).findLast(({ name }) => name === "OPENROUTER_API_KEY");
  const newline = body.includes("\r\n") ? "\r\n" : "\n";
  const ending = !body || body.endsWith("\n") ? "" : newline;
  for (const spelled of spellings(key)) {
    const updated =
      last === undefined
        ? `${body}${ending}OPENROUTER_API_KEY=${spelled}${newline}`
        : body.slice(0, last.start) + spelled + body.slice(last.end);
    if (variables(parse(updated)) === expected) {
      return bom + updated;
    }
  }
  throw new Problem(catalog.say("envfile.key_unreadable_after_write", { file }));
}

/** Variables as one comparable string, whatever their order. */
function variables(values: Record<string, string | undefined>): string {
  return JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Put the key in the env file, mode 600 from the start: only its OPENROUTER_API_KEY line changes.
 *
 * A missing file starts as a copy of its .example. The new text goes to a temporary file next to
 * it (.env.<environment>.tmp-<random>, which .gitignore covers, created exclusively and never
 * through a symlink), reaches the disk, then replaces the file in one step: an interruption leaves
 * the old file whole, and a failure leaves no temporary file behind (and is a Problem). An env file
 * that is a symbolic link stays one: the file it points to is replaced so, from a temporary file
 * next to that one.
 */
export function writeKey(path: string, key: string): void {
  const keepBom = { keepBom: true };
  const text = readText(path, keepBom) ?? readText(`${path}.example`, keepBom) ?? "";
  const updated = withKey(text, key, basename(path));
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0 } = constants;
  let temporary = "";
  try {
    const target = linked(path);
    temporary = `${target}.tmp-${randomBytes(6).toString("hex")}`;
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
      renameSync(temporary, target);
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
 * The file a path names: itself, or the end of its chain of symbolic links (which may not exist),
 * as Python's os.path.realpath finds it. Throws ELOOP past 40 links.
 */
export function linked(path: string): string {
  let found = resolve(path);
  for (let links = 0; lstatSync(found, { throwIfNoEntry: false })?.isSymbolicLink(); links++) {
    if (links === 40) {
      throw Object.assign(new Error("too many levels of symbolic links"), { code: "ELOOP" });
    }
    found = resolve(dirname(found), readlinkSync(found));
  }
  return found;
}

/**
 * Why writeKey() could not write the file, or null if it can.
 *
 * Checked before anything is asked of OpenRouter, so that a key is never issued only to be lost.
 * The permission bits count even for root: a file or directory made read-only was made so on
 * purpose. A symbolic link is judged by the file it points to.
 */
export function checkWritable(given: string): catalog.MessageId | null {
  let path: string;
  try {
    path = linked(given);
  } catch {
    path = given; // a loop of links: writeKey() says so
  }
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
