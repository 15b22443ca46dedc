"use strict";
// Pre-commit hook: refuse files that hold an OpenRouter API key, never printing the key.
//
// pre-commit passes the names of the files to commit; each key found is reported as file:line
// with the key masked (sk-or-v1-…abcd), and the commit is refused. A key is found as text (UTF-8
// or ASCII), as UTF-16 (either byte order, with or without a byte-order mark), and base64-encoded
// (a Kubernetes Secret's data: value, at any offset of a longer blob). Files are read in chunks,
// so memory stays bounded whatever their size, and a file that cannot be read is refused too: what
// cannot be checked could hold a key. Plain JavaScript with Node's built-ins only, so any Node
// runs it and pre-commit installs nothing.
const { closeSync, openSync, readSync } = require("node:fs");

// The key's shape, from the catalog the project's code is generated from.
const KEY = /sk-or-v1-[0-9a-f]{64}/g;
const PREFIX = "sk-or-v1-";
const FOUND = "{file}:{line}: an OpenRouter API key ({masked})";
const WHAT_TO_DO =
  "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys.";
const UNREADABLE =
  "{file}: cannot be read ({reason}), so it cannot be checked for OpenRouter API keys";
const CHUNK = 1048576;
// Longer than any key in any form (UTF-16: 146 bytes; base64: 104 characters), twice over.
const OVERLAP = 512;
// The key as UTF-16, in latin1 text (one character per byte): each character, then a zero
// (little-endian), or the other way round.
function utf16(pair) {
  const hex = [..."0123456789abcdef"].map(pair).join("|");
  return new RegExp(`${[...PREFIX].map(pair).join("")}(?:${hex}){64}`, "g");
}
const UTF16 = [
  ["UTF-16", utf16((c) => `${c}\\x00`)],
  ["UTF-16BE", utf16((c) => `\\x00${c}`)],
];
// A run of base64 (or base64url) long enough to hold a key.
const BASE64 = /[A-Za-z0-9+/_-]{96,}/g;

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (placeholder, name) => values[name] ?? placeholder);
}

function masked(key) {
  return `${PREFIX}…${key.slice(-4)}`;
}

/** Base64 (or base64url) as latin1 text of its bytes; a last group of one character carries none. */
function decoded(text) {
  let normal = text.replaceAll("-", "+").replaceAll("_", "/");
  normal = normal.length % 4 === 1 ? normal.slice(0, -1) : normal;
  return Buffer.from(normal, "base64").toString("latin1");
}

/** Where each key in the window (latin1 text) starts, and its masked form. */
function* found(window) {
  for (const match of window.matchAll(KEY)) {
    yield [match.index, masked(match[0])];
  }
  for (const [order, pattern] of UTF16) {
    for (const match of window.matchAll(pattern)) {
      yield [match.index, `${masked(match[0].replaceAll("\x00", ""))}, ${order}`];
    }
  }
  for (const run of window.matchAll(BASE64)) {
    for (let offset = 0; offset < 4; offset++) {
      // One of the four offsets is where the blob's groups of four begin.
      for (const match of decoded(run[0].slice(offset)).matchAll(KEY)) {
        yield [run.index, `${masked(match[0])}, base64`];
      }
    }
  }
}

/** Each key in the file, once: its line and its masked form. */
function* keysIn(path) {
  const seen = new Set();
  const buffer = Buffer.alloc(CHUNK);
  const descriptor = openSync(path, "r");
  try {
    let lines = 0; // line breaks before the window
    let tail = ""; // the end of the previous chunk, read again with the next
    for (;;) {
      const read = readSync(descriptor, buffer, 0, CHUNK, null);
      if (read === 0) {
        break;
      }
      const window = tail + buffer.toString("latin1", 0, read);
      for (const [position, text] of found(window)) {
        const line = lines + count(window, position) + 1;
        if (!seen.has(`${line} ${text}`)) {
          seen.add(`${line} ${text}`);
          yield [line, text];
        }
      }
      tail = window.slice(-OVERLAP);
      lines += count(window, window.length - tail.length);
    }
  } finally {
    closeSync(descriptor);
  }
}

/** The line breaks in the text before the position. */
function count(text, end) {
  let breaks = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) {
    breaks += 1;
  }
  return breaks;
}

let refused = 0;
for (const path of process.argv.slice(2)) {
  try {
    for (const [line, text] of keysIn(path)) {
      console.log(fill(FOUND, { file: path, line, masked: text }));
      refused += 1;
    }
  } catch (error) {
    console.log(fill(UNREADABLE, { file: path, reason: reason(error) }));
    refused += 1;
  }
}
if (refused > 0) {
  console.log(WHAT_TO_DO);
}
process.exitCode = refused > 0 ? 1 : 0;

/** Why a file could not be read, in the words the Python hook uses. */
function reason(error) {
  switch (error?.code) {
    case "ENOENT":
      return "it does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    default:
      return String(error?.code ?? error).toLowerCase();
  }
}
