// `npm run bench`: builds the benchmarks (bench/build.mjs), runs each as its own command, and
// renders bench/RESULTS.md from what they recorded in bench/results/.
//
//   node bench/run-all.mjs                 every benchmark
//   node bench/run-all.mjs plan apply      some of them (the others' last results are kept)
//   node bench/run-all.mjs --render        only re-render RESULTS.md
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildBench, root } from './build.mjs';

const BENCHMARKS = {
  plan: 'plan-bench',
  apply: 'apply-bench',
  evaluate: 'evaluate-bench',
};

const args = process.argv.slice(2);
const renderOnly = args.includes('--render');
const names = args.filter((a) => !a.startsWith('--'));
for (const name of names) {
  if (!(name in BENCHMARKS)) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
}

function run(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with ${code}`)),
    );
  });
}

const started = Date.now();
const buildDir = await buildBench();
if (!renderOnly) {
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const t = Date.now();
    console.error(`== ${name}`);
    await run(path.join(buildDir, `${BENCHMARKS[name]}.mjs`));
    console.error(`== ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
}
await run(path.join(buildDir, 'render-results.mjs'));
console.error(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
