/**
 * @module bench/run
 * `npm run bench [-- <name>…] [-- --smoke]`: builds dist/, then runs each benchmark (or the named
 * ones) in a process of its own, one after another so they do not compete for the machine,
 * passing the flags on.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['api', 'list-tail', 'proxy', 'scheduler', 'usage', 'warm-start'];

const args = process.argv.slice(2);
const named = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
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
