import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

// The action runs the committed dist/, not src/: a source change without a rebuild would ship
// stale code. (schema/ and docs/policy.md have their own test in test/unit/policy.)
describe('the committed bundles', () => {
  it('are byte for byte what the current sources build', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'dist-check-'));
    try {
      await run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--outdir', outdir], {
        cwd: root,
      });
      for (const bundle of ['index.js', 'post.js', 'cli.js']) {
        const fresh = readFileSync(path.join(outdir, bundle));
        const committed = readFileSync(path.join(root, 'dist', bundle));
        expect({ bundle, inStep: fresh.equals(committed) }).toEqual({ bundle, inStep: true });
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
