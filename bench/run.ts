/**
 * @module bench/run
 * `npm run bench [-- <name>… [--flag [value]]…]`: builds dist/, then runs each benchmark (or the named
 * ones) in a process of its own, one after another so they do not compete for the machine,
 * passing the flags on.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['api', 'list-tail', 'proxy', 'scheduler', 'usage', 'warm-start'];

const args = process.argv.slice(2);
// Names first, then the flags with their values (`--requests 2000`, `--before ../old`): whatever
// follows the first flag is passed on as it is.
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const named = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const unknown = named.filter((n) => !BENCHMARKS.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; there are: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
// Servers start from bin/demanager.js, which runs dist/ when it is current: build it, so the
// figures are those of what `npm start` runs.
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm run build failed');
  process.exit(1);
}
let failed = false;
for (const name of named.length > 0 ? named : BENCHMARKS) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', file, ...flags], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`benchmark ${name} failed (exit ${status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
