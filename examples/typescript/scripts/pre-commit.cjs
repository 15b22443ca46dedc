"use strict";
// The git pre-commit hook, installed by `npm install` in a git repository (simple-git-hooks,
// configured in package.json): refuse a commit whose staged files hold an OpenRouter key or an
// unresolved conflict marker. It checks what is staged, not what the working tree holds: the
// staged files are copied out of git's index into a temporary directory and checked there.
// Plain JavaScript with Node's built-ins only; teams that use pre-commit run the same checks
// from .pre-commit-config.yaml instead.
const { spawnSync } = require("node:child_process");
const { closeSync, lstatSync, mkdtempSync, openSync, readSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");

const KEY_CHECK = path.join(__dirname, "no-openrouter-keys.cjs");
// What pre-commit's no-conflict-markers hook looks for (.pre-commit-config.yaml).
const MARKER = /^(<<<<<<<|>>>>>>>)( |$)/;
const BATCH = 200; // files per run of the key check, well within any command-line limit

/** Run git (in the repository and index the commit uses), or stop the commit with its error. */
function git(args, input) {
  const result = spawnSync("git", args, { input, maxBuffer: 1 << 30 });
  if (result.status !== 0) {
    console.error(`pre-commit: git ${args[0]} failed: ${String(result.stderr || result.error)}`);
    process.exit(2);
  }
  return result.stdout;
}

/** The numbers of the lines that start with a conflict marker, read in bounded chunks. */
function conflictMarkers(file) {
  const found = [];
  const buffer = Buffer.alloc(1 << 16);
  const fd = openSync(file, "r");
  let line = 1;
  let start = ""; // the current line's first characters: a marker and the space after it
  try {
    let read = readSync(fd, buffer);
    while (read > 0) {
      const parts = buffer.toString("latin1", 0, read).split("\n");
      parts.forEach((part, index) => {
        start += part.slice(0, 8 - start.length);
        if (index < parts.length - 1) {
          if (MARKER.test(start)) found.push(line);
          line += 1;
          start = "";
        }
      });
      read = readSync(fd, buffer);
    }
    if (MARKER.test(start)) found.push(line);
  } finally {
    closeSync(fd);
  }
  return found;
}

const staged = git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"])
  .toString("utf8")
  .split("\0")
  .filter(Boolean);
const copy = mkdtempSync(path.join(tmpdir(), "pre-commit-"));
let refused = false;
try {
  git(["checkout-index", `--prefix=${copy}${path.sep}`, "-z", "--stdin"], staged.join("\0"));
  // Regular files only, as pre-commit checks them: a symbolic link's target is not committed.
  const files = staged.filter((file) => {
    try {
      return lstatSync(path.join(copy, file)).isFile();
    } catch {
      return false;
    }
  });
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const keys = spawnSync(process.execPath, [KEY_CHECK, ...batch], {
      cwd: copy,
      stdio: "inherit",
    });
    refused ||= keys.status !== 0; // a key found, or a check that could not run: no commit
  }
  let markers = 0;
  for (const file of files) {
    for (const line of conflictMarkers(path.join(copy, file))) {
      console.log(`${file}:${line}: an unresolved conflict marker`);
      markers += 1;
    }
  }
  if (markers > 0) {
    console.log("Resolve the conflict (git diff --check lists the markers), then stage the file.");
    refused = true;
  }
} finally {
  rmSync(copy, { recursive: true, force: true });
}
process.exitCode = refused ? 1 : 0;
