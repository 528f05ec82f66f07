/** The policy digest recorded in every plan: which exact policy files a plan was made from. */
import { createHash } from 'node:crypto';

/** SHA-256 (hex) over, for each file in path order: its path, a NUL, its bytes, a NUL. */
export function policyDigest(files: ReadonlyArray<{ path: string; content: Uint8Array }>): string {
  const hash = createHash('sha256');
  const nul = new Uint8Array([0]);
  for (const file of files) {
    hash.update(file.path, 'utf8');
    hash.update(nul);
    hash.update(file.content);
    hash.update(nul);
  }
  return hash.digest('hex');
}
