// Bundles the benchmark entry points (bench/**/*.ts that a benchmark runs as a process) with
// esbuild into .tmp/bench-build/, the way scripts/build.mjs bundles the product: the benchmarks
// run the product's TypeScript sources as they are, with no separate compile step.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const buildDir = path.join(root, '.tmp', 'bench-build');

/** Entry points, by the name their bundle gets (`<name>.mjs`). */
export const ENTRIES = {
  'sandbox-child': 'bench/lib/sandbox-child.ts',
  planner: 'bench/planner.ts',
  'naive-plan': 'bench/baseline/naive-plan.ts',
  'plan-bench': 'bench/plan-bench.ts',
  applier: 'bench/applier.ts',
  'apply-bench': 'bench/apply-bench.ts',
  'evaluate-bench': 'bench/evaluate-bench.ts',
  evaluator: 'bench/evaluator.ts',
  'snapshot-writer': 'bench/snapshot-writer.ts',
  'render-results': 'bench/render-results.ts',
};

export async function buildBench() {
  mkdirSync(buildDir, { recursive: true });
  const entryPoints = Object.entries(ENTRIES)
    .filter(([, file]) => existsSync(path.join(root, file)))
    .map(([out, file]) => ({ in: file, out }));
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir: buildDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return buildDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildBench();
  console.log(`bench bundles in ${path.relative(root, buildDir)}/`);
}
