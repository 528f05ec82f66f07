/**
 * Policy files (path + bytes) to the typed `Policy`, or a `PolicyError` with every problem in
 * every file. Pure: the CLI reads the directory (load.ts); the action and apply pass file
 * contents they fetched from git.
 */
import { InputError, PolicyError, type PolicyProblem } from '../errors.js';
import { assemblePolicy } from './assemble.js';
import { crossFileProblems } from './cross-file.js';
import { policyDigest } from './digest.js';
import { schemaProblems } from './messages.js';
import { POLICY_VERSION } from './schema.js';
import { schemaErrors } from './schema-check.js';
import type { Policy } from './types.js';
import { readYamlSource, type YamlSource } from './yaml-source.js';

export interface PolicyFileContent {
  /** As it should appear in messages and the digest: relative, POSIX separators (`policies/jira.yml`). */
  path: string;
  content: Uint8Array;
}

export function parsePolicyFiles(files: readonly PolicyFileContent[]): Policy {
  if (files.length === 0) {
    throw new InputError('no policy files: a policy needs at least one *.yml or *.yaml file');
  }
  const sorted = files
    .map((f) => ({ path: f.path.replace(/\\/g, '/'), content: f.content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const problems: PolicyProblem[] = [];
  const sources: YamlSource[] = [];
  for (const file of sorted) {
    const read = readYamlSource(file.path, file.content);
    if (!read.ok) {
      problems.push(...read.problems);
      continue;
    }
    const unsupported = unsupportedVersion(read.source);
    if (unsupported) {
      problems.push(unsupported); // the rest of a file in another format cannot be judged
      continue;
    }
    problems.push(...schemaProblems(schemaErrors(read.source.value), read.source));
    sources.push(read.source);
  }
  problems.push(...crossFileProblems(sources));
  if (problems.length > 0) throw new PolicyError(unique(problems));
  return assemblePolicy(sources, policyDigest(sorted));
}

/** A numeric version other than 1 is a file for another release; text or absence is a typo. */
function unsupportedVersion(source: YamlSource): PolicyProblem | undefined {
  const root = source.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  const version = (root as Record<string, unknown>).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version === POLICY_VERSION) {
    return undefined;
  }
  return {
    ...source.locate(['version']),
    message: `unsupported policy version ${version} — this release of license-policy reads version ${POLICY_VERSION}`,
  };
}

function unique(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}\u0000${p.line}\u0000${p.column}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
