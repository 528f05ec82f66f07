/**
 * Writes the artefacts derived from src/policy: the published JSON Schema and the policy
 * reference. `npm run build` runs `generate(root)`; a test compares `generatedFiles()` with the
 * committed bytes so that neither can fall out of step with the source.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPolicyReference } from '../src/policy/reference.js';
import { policySchemaJson } from '../src/policy/schema.js';

export interface GeneratedFile {
  /** Relative to the repository root, POSIX separators. */
  path: string;
  content: string;
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: 'schema/policy.schema.json', content: policySchemaJson() },
    { path: 'docs/policy.md', content: renderPolicyReference() },
  ];
}

export async function generate(root: string): Promise<void> {
  for (const file of generatedFiles()) {
    const target = path.join(root, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content, 'utf8');
  }
}
