/**
 * `license-policy restore AUDIT_CSV...`: build a restore plan that gives back exactly what an
 * apply removed (SPEC §9), for review; `license-policy apply` applies it like any plan.
 *
 * Only removals the audit records as applied by an apply of an unedited plan file are given
 * back; one forged or edited row refuses the whole restore (exit 3), and a group or role that
 * grants admin or platform roles is never given back (the plan lists it as a warning).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliIo, Command } from './io.js';
import { AuditWriter } from '../audit/writer.js';
import { EXIT_OK, EXIT_REFUSED, InputError, RefusedError } from '../errors.js';
import { readTextFile, writeTextFileAtomic } from '../io/plan-files.js';
import { loadPolicy } from '../policy/load.js';
import { createRestorePlanFromAudit } from '../restore/create.js';
import type { AuditRow } from '../audit/types.js';
import { parseCommandArgs, stringFlag, withExitCode } from '../run/args.js';
import { atlassianSettingsFromEnv, createAtlassianClient } from '../run/settings.js';
import { planSummaryText } from '../run/summary.js';
import { localRunId } from './plan.js';

export const RESTORE_USAGE = `Usage: license-policy restore AUDIT_CSV... [--only ACCOUNT_ID...] [--plan-id ID] [--plan FILE] [--plans DIR] [--out FILE] [--markdown FILE] [--audit FILE] [--policy DIR]

Build a restore plan that gives back what an apply removed: group memberships, direct
roles, suspended accounts. Review it, then apply it with 'license-policy apply' like any plan.

Only removals that the audit records as applied by an apply of the plan file at hand
(matched by plan id and digest) are given back; a forged or edited audit row refuses the
whole restore (exit 3). A group or role that grants admin or platform roles is never
given back: the plan lists it, to be restored by hand if it is meant.

Options:
  --only ACCOUNT_ID  restore these accounts only (repeat it, or separate ids with commas)
  --plan-id ID       the plan whose apply to undo, when the audit records several
  --plan FILE        the applied plan file (default: <plans>/<planId>.json)
  --plans DIR        where applied plan files are (default: plans)
  --out FILE         where to write the restore plan (default: plans/<planId>.json)
  --markdown FILE    also write the restore plan as Markdown (what its PR shows)
  --audit FILE       append the restore decisions to this audit CSV
  --policy DIR       policy directory, for limits.planTtlHours (default: policies, if present)
  -h, --help         show this help

Environment: ATLASSIAN_ORG_ID, ATLASSIAN_API_KEY, ATLASSIAN_API_URL (as for plan): the
accounts, groups and roles to give back are checked against the organization now.

Exit codes: 0 restore plan written, 1 runtime failure, 2 invalid input, 3 refused (the
audit does not match the applied plan, or the plan file was edited).
`;

export const restoreCommand: Command = (argv, io) =>
  withExitCode('restore', io, RESTORE_USAGE, () => runRestore(argv, io));

/** `--only a --only b,c` → `[a, b, c]`. */
function accountList(value: string | boolean | string[] | undefined): string[] {
  if (value === undefined) return [];
  const raw = Array.isArray(value) ? value : [String(value)];
  const ids = raw.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (ids.some((id) => id === '')) throw new InputError('--only: an account id is empty');
  return [...new Set(ids)];
}

async function runRestore(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(
    'restore',
    argv,
    {
      only: { type: 'string', multiple: true },
      'plan-id': { type: 'string' },
      plan: { type: 'string' },
      plans: { type: 'string' },
      out: { type: 'string' },
      markdown: { type: 'string' },
      audit: { type: 'string' },
      policy: { type: 'string' },
    },
    { min: 1, max: 100, names: 'the AUDIT_CSV file(s) to restore from' },
  );
  if (args.help) {
    io.stdout(RESTORE_USAGE);
    return EXIT_OK;
  }
  const resolve = (file: string) => path.resolve(io.cwd, file);
  const only = accountList(args.values.only);
  const planId = stringFlag(args.values, 'plan-id');
  const planFile = stringFlag(args.values, 'plan');
  const plansDir = stringFlag(args.values, 'plans') ?? 'plans';
  const out = stringFlag(args.values, 'out');
  const markdownFile = stringFlag(args.values, 'markdown');
  const auditFile = stringFlag(args.values, 'audit');
  const policyFlag = stringFlag(args.values, 'policy');

  // Everything local is checked before the first request.
  const settings = atlassianSettingsFromEnv(io.env);
  const audits = args.positionals.map((file) => ({
    text: readTextFile(resolve(file), 'audit CSV'),
    source: file,
  }));
  const policyDir = policyFlag ?? 'policies';
  const policy =
    policyFlag !== undefined || existsSync(resolve(policyDir))
      ? await loadPolicy(resolve(policyDir), { displayRoot: io.cwd })
      : null;
  const client = createAtlassianClient(settings);
  const now = new Date();
  const runId = localRunId(now);
  const progress = (message: string) => io.stderr(`${message}\n`);

  const refusals: AuditRow[] = [];
  let created;
  try {
    created = await createRestorePlanFromAudit({
      audits,
      appliedPlan: (id) => {
        const file = planFile ?? path.join(plansDir, `${id}.json`);
        if (planFile === undefined && !existsSync(resolve(file))) return Promise.resolve(null);
        return Promise.resolve({ text: readTextFile(resolve(file), 'plan file'), source: file });
      },
      planId,
      only,
      client,
      now,
      ttlHours: policy?.limits.planTtlHours,
      runId,
      onProgress: progress,
      onRefused: (row) => refusals.push(row),
    });
  } catch (error: unknown) {
    if (!(error instanceof RefusedError)) throw error;
    io.stderr(`license-policy restore: refused (${error.reason}): ${error.message}\n`);
    if (auditFile !== undefined) {
      const writer = AuditWriter.open(resolve(auditFile));
      try {
        writer.writeAll(refusals);
      } finally {
        writer.close();
      }
    }
    io.stdout(`Refused: no restore plan was written\n`);
    return EXIT_REFUSED;
  }

  const { plan } = created;
  const target = out ?? path.join('plans', `${plan.planId}.json`);
  writeTextFileAtomic(resolve(target), created.planFileText);
  if (markdownFile !== undefined) writeTextFileAtomic(resolve(markdownFile), created.markdown);
  if (auditFile !== undefined) {
    const writer = AuditWriter.open(resolve(auditFile));
    try {
      writer.writeAll(created.auditRows);
    } finally {
      writer.close();
    }
  }

  io.stdout(planSummaryText(plan));
  for (const r of created.refused) {
    io.stdout(
      `not restored: ${r.action.accountId} ${r.action.product} on ${r.action.site}: ${r.reason}\n`,
    );
  }
  io.stdout(`restore plan file: ${target}\n`);
  if (markdownFile !== undefined) io.stdout(`markdown: ${markdownFile}\n`);
  if (auditFile !== undefined) io.stdout(`audit: ${auditFile}\n`);
  io.stdout(`apply it after review with: license-policy apply ${target}\n`);
  return EXIT_OK;
}
