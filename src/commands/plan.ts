/**
 * `license-policy plan`: read the organisation, evaluate the policy, and write the plan file
 * (and, on request, its Markdown and audit rows). A blocked plan is still written (exit 0):
 * apply is what refuses it.
 */
import path from 'node:path';
import type { CliIo, Command } from './io.js';
import { EXIT_OK } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import { parseCommandArgs, stringFlag, timestampFlag, withExitCode } from '../run/args.js';
import { AuditWriter } from '../audit/writer.js';
import { planAuditRows } from '../audit/rows.js';
import {
  readStateFile,
  writePlanFile,
  writeStateFile,
  writeTextFileAtomic,
} from '../io/plan-files.js';
import { createPlan } from '../run/plan-run.js';
import { atlassianSettingsFromEnv, createAtlassianClient } from '../run/settings.js';
import { planSummaryText } from '../run/summary.js';

export const DEFAULT_STATE_FILE = 'license-policy.state.json';

export const PLAN_USAGE = `Usage: license-policy plan [--policy DIR] [--state FILE] [--out FILE] [--markdown FILE] [--audit FILE] [--now ISO]

Read the Atlassian organisation, evaluate the policy and write a plan for review.
A plan over a limit is still written (exit 0); apply refuses it unless overridden.

Options:
  --policy DIR     directory of policy files (default: policies)
  --state FILE     state kept between runs: when each licence was first seen, the last
                   applied plan (default: ${DEFAULT_STATE_FILE}; created if missing)
  --out FILE       where to write the plan (default: plans/<planId>.json)
  --markdown FILE  also write the plan as Markdown (what the plan PR shows)
  --audit FILE     append the plan's decisions to this audit CSV
  --now ISO        evaluate as of this time instead of the clock (reproducible plans)
  -h, --help       show this help

Environment:
  ATLASSIAN_ORG_ID   the organization id
  ATLASSIAN_API_KEY  an organization API key (never printed)
  ATLASSIAN_API_URL  default https://api.atlassian.com (the sandbox prints its own)

Progress goes to stderr; the result to stdout.
Exit codes: 0 plan written, 1 runtime failure, 2 invalid input or policy.
`;

export const planCommand: Command = (argv, io) =>
  withExitCode('plan', io, PLAN_USAGE, () => runPlan(argv, io));

async function runPlan(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(
    'plan',
    argv,
    {
      policy: { type: 'string' },
      state: { type: 'string' },
      out: { type: 'string' },
      markdown: { type: 'string' },
      audit: { type: 'string' },
      now: { type: 'string' },
    },
    { min: 0, max: 0, names: '' },
  );
  if (args.help) {
    io.stdout(PLAN_USAGE);
    return EXIT_OK;
  }
  const resolve = (file: string) => path.resolve(io.cwd, file);
  const policyDir = stringFlag(args.values, 'policy') ?? 'policies';
  const stateFile = resolve(stringFlag(args.values, 'state') ?? DEFAULT_STATE_FILE);
  const out = stringFlag(args.values, 'out');
  const markdownFile = stringFlag(args.values, 'markdown');
  const auditFile = stringFlag(args.values, 'audit');
  const now = timestampFlag(args.values, 'now') ?? new Date();

  // Everything local is checked before the first request.
  const settings = atlassianSettingsFromEnv(io.env);
  const policy = await loadPolicy(resolve(policyDir), { displayRoot: io.cwd });
  const state = readStateFile(stateFile);
  const client = createAtlassianClient(settings);

  const progress = (message: string) => io.stderr(`${message}\n`);
  progress(`planning for organization ${settings.orgId} at ${now.toISOString()}`);
  const planPathFor = (planId: string) => out ?? path.join('plans', `${planId}.json`);
  const created = await createPlan({
    policy,
    client,
    state,
    now,
    policyCommit: null,
    onProgress: progress,
  });
  const { plan } = created;
  const planFile = planPathFor(plan.planId);

  writePlanFile(resolve(planFile), plan);
  if (markdownFile !== undefined) {
    writeTextFileAtomic(resolve(markdownFile), created.markdown);
  }
  if (auditFile !== undefined) {
    const audit = AuditWriter.open(resolve(auditFile));
    try {
      const at = new Date();
      audit.writeAll(planAuditRows(plan, { runId: localRunId(at), timestamp: at.toISOString() }));
    } finally {
      audit.close();
    }
  }
  writeStateFile(stateFile, created.nextState);

  io.stdout(planSummaryText(plan));
  io.stdout(`plan file: ${planFile}\n`);
  if (markdownFile !== undefined) io.stdout(`markdown: ${markdownFile}\n`);
  if (auditFile !== undefined) io.stdout(`audit: ${auditFile}\n`);
  io.stdout(`state: ${path.relative(io.cwd, stateFile) || stateFile}\n`);
  return EXIT_OK;
}

/** A run id for local runs: when it started, to the second. */
export function localRunId(at: Date): string {
  return `local-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}
