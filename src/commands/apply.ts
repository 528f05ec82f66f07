/**
 * `license-policy apply PLAN`: apply a reviewed plan. Refuses (exit 3) before any write when
 * the plan was edited, expired, is for another org, is older than the last applied plan, or is
 * blocked without `--override-limits`; otherwise re-evaluates against fresh data and the policy
 * now, and executes only what both agree on. Every decision goes to the audit CSV as it happens.
 */
import path from 'node:path';
import type { CliIo, Command } from './io.js';
import { DEFAULT_CONCURRENCY } from '../atlassian/http.js';
import { EXIT_OK, EXIT_REFUSED, RefusedError } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import { integerFlag, parseCommandArgs, stringFlag, withExitCode } from '../run/args.js';
import { applyPlan, DEFAULT_APPLY_CONCURRENCY } from '../run/apply-run.js';
import { AuditWriter } from '../audit/writer.js';
import { readPlanFile, readStateFile, writeStateFile } from '../io/plan-files.js';
import { atlassianSettingsFromEnv, createAtlassianClient } from '../run/settings.js';
import { applySummaryText } from '../run/summary.js';
import { DEFAULT_STATE_FILE, localRunId } from './plan.js';

export const APPLY_USAGE = `Usage: license-policy apply PLAN [--policy DIR] [--state FILE] [--audit FILE] [--dry-run] [--override-limits] [--concurrency N]

Apply a reviewed plan file. Before any write it refuses (exit 3) a plan that was edited,
has expired, is for another organization, is older than the last applied plan, or is
blocked by limits without --override-limits. It then re-reads the organization and
re-evaluates the policy now: it executes only what the plan lists AND the fresh
evaluation still does, and skips the rest with the reason.

Options:
  --policy DIR        directory of policy files now (default: policies)
  --state FILE        state kept between runs (default: ${DEFAULT_STATE_FILE})
  --audit FILE        audit CSV to append to (default: audit/<planId>.csv)
  --dry-run           do every check and the fresh evaluation, write nothing
  --override-limits   apply a plan blocked by limits, after review
                      (never lifts activity-data-missing)
  --concurrency N     actions written at once, 1-16 (default: ${DEFAULT_APPLY_CONCURRENCY})
  -h, --help          show this help

Environment: ATLASSIAN_ORG_ID, ATLASSIAN_API_KEY, ATLASSIAN_API_URL (as for plan).

Progress goes to stderr; the result to stdout.
Exit codes: 0 done, 1 an action failed, was partial or unverified (or a runtime failure),
2 invalid input, 3 refused.
`;

export const applyCommand: Command = (argv, io) =>
  withExitCode('apply', io, APPLY_USAGE, () => runApply(argv, io));

async function runApply(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(
    'apply',
    argv,
    {
      policy: { type: 'string' },
      state: { type: 'string' },
      audit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'override-limits': { type: 'boolean' },
      concurrency: { type: 'string' },
    },
    { min: 1, max: 1, names: 'the PLAN file to apply' },
  );
  if (args.help) {
    io.stdout(APPLY_USAGE);
    return EXIT_OK;
  }
  const resolve = (file: string) => path.resolve(io.cwd, file);
  const planFile = args.positionals[0];
  const policyDir = stringFlag(args.values, 'policy') ?? 'policies';
  const stateFile = resolve(stringFlag(args.values, 'state') ?? DEFAULT_STATE_FILE);
  const dryRun = args.values['dry-run'] === true;
  const overrideLimits = args.values['override-limits'] === true;
  const concurrency =
    integerFlag(args.values, 'concurrency', { min: 1, max: 16 }) ?? DEFAULT_APPLY_CONCURRENCY;

  // Everything local is checked before the first request.
  const settings = atlassianSettingsFromEnv(io.env);
  const plan = readPlanFile(resolve(planFile));
  const policy = await loadPolicy(resolve(policyDir), { displayRoot: io.cwd });
  const state = readStateFile(stateFile);
  const auditFile = stringFlag(args.values, 'audit') ?? path.join('audit', `${plan.planId}.csv`);
  // `concurrency` bounds the writes (the executor's actions in flight); the fresh evaluation's
  // reads keep the transport's wider default.
  const client = createAtlassianClient(settings, {
    concurrency: Math.max(DEFAULT_CONCURRENCY, concurrency),
  });

  const progress = (message: string) => io.stderr(`${message}\n`);
  const audit = AuditWriter.open(resolve(auditFile));
  try {
    progress(
      `${dryRun ? 'dry run of' : 'applying'} plan ${plan.planId} to organization ${settings.orgId}` +
        (overrideLimits ? ' (limits overridden)' : ''),
    );
    const applied = await applyPlan({
      plan,
      policy,
      client,
      state,
      dryRun,
      overrideLimits,
      concurrency,
      audit: (row) => audit.write(row),
      auditContext: { runId: localRunId(new Date()) },
      onProgress: progress,
      markdown: { redact: 'none', auditPath: auditFile },
    });
    if (applied.nextState) writeStateFile(stateFile, applied.nextState);
    io.stdout(applySummaryText(applied.result));
    io.stdout(`audit: ${auditFile}\n`);
    if (applied.nextState) io.stdout(`state: ${path.relative(io.cwd, stateFile) || stateFile}\n`);
    return applied.exitCode;
  } catch (error: unknown) {
    if (error instanceof RefusedError) {
      io.stderr(`license-policy apply: refused (${error.reason}): ${error.message}\n`);
      io.stdout(`Refused plan ${plan.planId}: nothing was changed\naudit: ${auditFile}\n`);
      return EXIT_REFUSED;
    }
    throw error;
  } finally {
    audit.close();
  }
}
