/**
 * `license-policy demo`: the whole job on a fresh machine with no Atlassian account. Starts the
 * sandbox in this process, validates the example policy, plans (printing the plan's Markdown),
 * applies the plan the way an admin who reviewed it would, and leaves the plan file, its
 * Markdown and the audit CSV in the output directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo, Command } from './io.js';
import { EXIT_OK, EXIT_REFUSED, RefusedError } from '../errors.js';
import { isOverridable } from '../apply/preconditions.js';
import { renderPlanMarkdown } from '../plan/render-plan.js';
import { emptyState } from '../plan/state.js';
import { loadPolicy } from '../policy/load.js';
import { summarizePolicy } from '../policy/summary.js';
import { integerFlag, parseCommandArgs, stringFlag, withExitCode } from '../run/args.js';
import { applyPlan } from '../run/apply-run.js';
import { AuditWriter } from '../audit/writer.js';
import { planAuditRows } from '../audit/rows.js';
import { writePlanFile, writeStateFile, writeTextFileAtomic } from '../io/plan-files.js';
import { createPlan } from '../run/plan-run.js';
import { createAtlassianClient } from '../run/settings.js';
import { applySummaryText } from '../run/summary.js';
import { startSandbox } from '../sandbox/index.js';
import { localRunId } from './plan.js';

export const DEMO_USAGE = `Usage: license-policy demo [--users N] [--out DIR]

Run the whole job against the built-in Atlassian sandbox, no account needed: start a
synthetic organization, validate the example policy, plan, apply the reviewed plan, and
write the plan, its Markdown and the audit CSV.

Options:
  --users N   accounts in the synthetic organization, 1000-1000000 (default: 65000)
  --out DIR   where to write the results (default: demo-output)
  -h, --help  show this help

Progress goes to stderr; the plan and the results to stdout.
Exit codes: 0 done, 1 runtime failure or an action failed, 2 invalid input, 3 apply refused.
`;

/** Terminal-sized rendering of the plan; the file holds the full (PR-sized) one. */
const TERMINAL_MARKDOWN_LIMIT = 12_000;

export const demoCommand: Command = (argv, io) =>
  withExitCode('demo', io, DEMO_USAGE, () => runDemo(argv, io));

async function runDemo(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(
    'demo',
    argv,
    { users: { type: 'string' }, out: { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  if (args.help) {
    io.stdout(DEMO_USAGE);
    return EXIT_OK;
  }
  const users = integerFlag(args.values, 'users', { min: 1000, max: 1_000_000 }) ?? 65_000;
  const outDir = stringFlag(args.values, 'out') ?? 'demo-output';
  const out = (file: string) => path.join(outDir, file);
  const resolve = (file: string) => path.resolve(io.cwd, file);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const progress = (message: string) => io.stderr(`${message}\n`);

  // The example policy that ships with the package matches the sandbox's organization.
  const packageRoot = findPackageRoot();
  const policyDir = path.join(packageRoot, 'policies');
  const policy = await loadPolicy(policyDir, { displayRoot: packageRoot });
  io.stdout(`${summarizePolicy(policy)}\n\n`);

  progress(
    `starting the sandbox: a synthetic organization of ${users.toLocaleString('en-US')} accounts`,
  );
  const now = new Date();
  const sandbox = await startSandbox({ users, now, recordRequests: false });
  try {
    const client = createAtlassianClient({
      orgId: sandbox.orgId,
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
    });
    progress(`sandbox listening on ${sandbox.url} (${elapsed()})`);

    // 1. Plan, as the scheduled workflow would.
    const created = await createPlan({
      policy,
      client,
      state: emptyState(),
      now,
      policyCommit: null,
      onProgress: progress,
    });
    const { plan } = created;
    const planFile = out(`${plan.planId}.json`);
    const markdownFile = out(`${plan.planId}.md`);
    const auditFile = out(`audit-${plan.planId}.csv`);
    const stateFile = out('state.json');
    writePlanFile(resolve(planFile), plan);
    writeTextFileAtomic(resolve(markdownFile), created.markdown);
    writeStateFile(resolve(stateFile), created.nextState);
    const audit = AuditWriter.open(resolve(auditFile));
    try {
      const runId = localRunId(new Date()).replace(/^local-/, 'demo-');
      audit.writeAll(planAuditRows(plan, { runId, timestamp: new Date().toISOString() }));
      progress(`plan ${plan.planId} written (${elapsed()})`);
      io.stdout(
        renderPlanMarkdown(plan, {
          redact: 'none',
          maxLength: TERMINAL_MARKDOWN_LIMIT,
          planPath: planFile,
        }) + '\n\n',
      );

      // 2. Apply, as the merge of the reviewed plan PR would.
      const overrideLimits = plan.blocked.length > 0 && plan.blocked.every(isOverridable);
      if (overrideLimits) {
        io.stdout(
          `The plan is blocked by its safety limits (${plan.blocked.map((b) => b.code).join(', ')}). ` +
            `An admin who reviewed it can approve it anyway (--override-limits, or the override label ` +
            `on the plan PR); the demo does the same.\n\n`,
        );
      }
      let exitCode: number = EXIT_OK;
      let applyFile: string | null = null;
      try {
        const applied = await applyPlan({
          plan,
          policy,
          client,
          state: created.nextState,
          dryRun: false,
          overrideLimits,
          audit: (row) => audit.write(row),
          auditContext: { runId },
          onProgress: progress,
          markdown: { redact: 'none', auditPath: auditFile },
        });
        writeStateFile(resolve(stateFile), applied.nextState ?? created.nextState);
        applyFile = out(`apply-${plan.planId}.md`);
        writeTextFileAtomic(resolve(applyFile), applied.markdown);
        io.stdout(applySummaryText(applied.result));
        exitCode = applied.exitCode;
      } catch (error: unknown) {
        if (!(error instanceof RefusedError)) throw error;
        // activity-data-missing is never overridden, not even in a demo.
        io.stdout(`Apply refused (${error.reason}): ${error.message}\nNothing was changed.\n`);
        exitCode = EXIT_REFUSED;
      }

      const requests = client.counters().requests;
      io.stdout(
        [
          '',
          `Demo finished in ${elapsed()}: ${requests.toLocaleString('en-US')} API requests to the sandbox.`,
          `Results in ${outDir}${path.sep}:`,
          `  ${markdownFile}   the plan as the pull request shows it — open this first`,
          `  ${planFile}   the plan file that apply executes (digest-checked)`,
          `  ${auditFile}   the audit: every decision of the plan and the apply`,
          ...(applyFile ? [`  ${applyFile}   what apply did`] : []),
          `  ${stateFile}   the state kept between runs`,
          '',
        ].join('\n'),
      );
      return exitCode;
    } finally {
      audit.close();
    }
  } finally {
    await sandbox.close();
  }
}

/** The directory holding this package's package.json (the repository root, or the installed package). */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(path.join(dir, 'policies'))) {
      try {
        const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
        if (name === 'atlassian-license-policy') return dir;
      } catch {
        // Not our manifest: keep looking.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('cannot find the example policies/ of the atlassian-license-policy package');
    }
    dir = parent;
  }
}
