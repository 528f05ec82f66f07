// Builds the committed bundles (dist/index.js, dist/post.js, dist/cli.js) and regenerates the
// published artefacts that derive from src/ (schema/policy.schema.json, docs/policy.md).
// Deterministic: the same sources give byte-identical output, so CI can diff it.
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// `--outdir DIR` bundles somewhere else and skips the generators: the dist-in-step test uses it
// to compare a fresh build with the committed dist/.
const outdirFlag = process.argv.indexOf('--outdir');
const outdir =
  outdirFlag > 0 ? path.resolve(process.argv[outdirFlag + 1]) : path.join(root, 'dist');
const entries = [
  { in: 'src/index.ts', out: 'index' },
  { in: 'src/post.ts', out: 'post' },
  { in: 'src/cli.ts', out: 'cli' },
].filter((e) => existsSync(path.join(root, e.in)));

const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
].join('\n');

for (const entry of entries) {
  await build({
    absWorkingDir: root,
    entryPoints: [entry.in],
    outfile: path.join(outdir, `${entry.out}.js`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    banner: { js: entry.out === 'cli' ? `#!/usr/bin/env node\n${banner}` : banner },
    logLevel: 'warning',
  });
}

// Generators live in TypeScript next to what they describe; bundle each to a temporary module and run it.
const generators =
  outdirFlag > 0 ? [] : ['scripts/generate.ts'].filter((g) => existsSync(path.join(root, g)));
const tmp = path.join(root, '.tmp', 'generators');
mkdirSync(tmp, { recursive: true });
for (const generator of generators) {
  const outfile = path.join(tmp, path.basename(generator, '.ts') + '.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: [generator],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const mod = await import(pathToFileURL(outfile).href);
  await mod.generate(root);
}
rmSync(tmp, { recursive: true, force: true });
