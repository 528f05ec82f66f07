/**
 * The action's outputs (`action.yml` `outputs:`, which a test checks against this list). Every
 * mode sets every output, with an empty string where a value does not apply, so a later step
 * can read any of them without guarding.
 */
export interface ActionOutputs {
  mode: 'validate' | 'plan' | 'apply' | 'restore';
  planFile: string;
  prNumber: number | null;
  removals: number | null;
  blocked: boolean | null;
  applied: number | null;
  skipped: number | null;
  failed: number | null;
  auditCsv: string;
  artifactId: number | null;
  monthlySavings: number | null;
}

export const OUTPUT_NAMES = [
  'mode',
  'plan-file',
  'pr-number',
  'removals',
  'blocked',
  'applied',
  'skipped',
  'failed',
  'audit-csv',
  'artifact-id',
  'monthly-savings',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

export function emptyOutputs(mode: ActionOutputs['mode']): ActionOutputs {
  return {
    mode,
    planFile: '',
    prNumber: null,
    removals: null,
    blocked: null,
    applied: null,
    skipped: null,
    failed: null,
    auditCsv: '',
    artifactId: null,
    monthlySavings: null,
  };
}

const text = (value: string | number | boolean | null): string =>
  value === null ? '' : String(value);

export function outputValues(outputs: ActionOutputs): Record<OutputName, string> {
  return {
    mode: outputs.mode,
    'plan-file': outputs.planFile,
    'pr-number': text(outputs.prNumber),
    removals: text(outputs.removals),
    blocked: text(outputs.blocked),
    applied: text(outputs.applied),
    skipped: text(outputs.skipped),
    failed: text(outputs.failed),
    'audit-csv': outputs.auditCsv,
    'artifact-id': text(outputs.artifactId),
    'monthly-savings': outputs.monthlySavings === null ? '' : outputs.monthlySavings.toFixed(2),
  };
}
