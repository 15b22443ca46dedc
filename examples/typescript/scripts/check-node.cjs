"use strict";
// Every npm script runs this first. The project needs the Node.js version in
// package.json's "engines" (type stripping runs the TypeScript sources as they
// are; the openai SDK needs Node 22), and an older Node fails with a stack
// trace that never names the version. This file is plain old JavaScript, so
// any Node can run it and say what is wrong in one line.
var wanted = require("../package.json").engines.node.match(/(\d+)\.(\d+)/);
var found = process.versions.node.split(".");
var major = Number(found[0]);
var minor = Number(found[1]);
var neededMajor = Number(wanted[1]);
var neededMinor = Number(wanted[2]);

if (major < neededMajor || (major === neededMajor && minor < neededMinor)) {
  console.error(
    "This project needs Node.js " +
      neededMajor +
      "." +
      neededMinor +
      " or newer, but this is Node.js " +
      process.versions.node +
      ": install a current Node.js (https://nodejs.org), then run npm install again.",
  );
  process.exit(1);
}
