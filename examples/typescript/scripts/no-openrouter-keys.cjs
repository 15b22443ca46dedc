"use strict";
// Pre-commit hook: refuse files that hold an OpenRouter API key, never printing the key.
//
// pre-commit passes the names of the files to commit; each key found is reported as file:line
// with the key masked (sk-or-v1-…abcd), and the commit is refused. Plain JavaScript with Node's
// built-ins only, so any Node runs it and pre-commit installs nothing.
const { readFileSync } = require("node:fs");

// The key's shape, from the catalog the project's code is generated from.
const KEY = /sk-or-v1-[0-9a-f]{64}/g;
const PREFIX = "sk-or-v1-";
const FOUND = "{file}:{line}: an OpenRouter API key ({masked})";
const WHAT_TO_DO =
  "Remove it from the file: keys belong in .env.<environment> files, which git ignores. If it was ever pushed, revoke it at https://openrouter.ai/settings/keys.";

let found = 0;
for (const path of process.argv.slice(2)) {
  let text;
  try {
    // latin1 maps every byte to one character: offsets and line breaks stay where they are.
    text = readFileSync(path, "latin1");
  } catch {
    continue; // deleted or unreadable: nothing of it is committed
  }
  for (const match of text.matchAll(KEY)) {
    const line = text.slice(0, match.index).split("\n").length;
    const masked = `${PREFIX}…${match[0].slice(-4)}`;
    const values = { file: path, line, masked };
    console.log(FOUND.replace(/\{(\w+)\}/g, (placeholder, name) => values[name] ?? placeholder));
    found += 1;
  }
}
if (found > 0) {
  console.log(WHAT_TO_DO);
}
process.exitCode = found > 0 ? 1 : 0;
