/**
 * The reliability suite's world: the sandbox's generated organisation served over HTTP, a
 * virtual clock shared by the sandbox's rate-limit windows and the client (so a 429 that says
 * "come back at X-RateLimit-Reset" costs no real time), a policy directory, and helpers to run
 * the real plan and apply pipelines and to fingerprint what Atlassian holds afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AtlassianClient, type AtlassianClientOptions } from '../../../src/atlassian/client.js';
import type { AuditRow } from '../../../src/audit/types.js';
import { serializePlan } from '../../../src/plan/plan-file.js';
import { emptyState } from '../../../src/plan/state.js';
import type { Plan, State } from '../../../src/plan/types.js';
import { loadPolicy } from '../../../src/policy/load.js';
import { applyPlan, type AppliedPlanRun } from '../../../src/run/apply-run.js';
import { createPlan } from '../../../src/run/plan-run.js';
import {
  SYNTHETIC_ORG,
  startSandbox,
  type OrgModel,
  type RunningSandbox,
  type SandboxOptions,
} from '../../../src/sandbox/index.js';

export const NOW = new Date('2026-11-30T06:00:00.000Z');
export const HOUR = 3_600_000;
/** Small enough to plan in well under a second, big enough for several pages per resource. */
export const USERS = 2_000;
export const SEED = 11;

/**
 * The example policy's shape against the generated org, with limits loose enough that a small
 * org's plan is not blocked: the fault scenarios are about transport, not about limits.
 */
export const FAULT_POLICY = `version: 1
currency: USD
products:
  jira-software: { monthlyCostPerUser: 8.60 }
  confluence: { monthlyCostPerUser: 6.05 }
exclude:
  accounts:
    - { email: ${SYNTHETIC_ORG.ceoEmail}, reason: Executive }
  groups:
    - { name: ${SYNTHETIC_ORG.groups.exempt}, reason: Exempt on request }
  emailDomains:
    - { domain: partner.example, reason: Partner contract }
rules:
  - id: jira-inactive-30d
    product: jira-software
    sites: [${SYNTHETIC_ORG.hosts.acme}]
    inactiveDays: 30
    action: remove-product-access
  - id: confluence-inactive-60d
    product: confluence
    inactiveDays: 60
    allowCollateral: true
    action: remove-product-access
limits:
  maxRemovals: 5000
  maxRemovalsPercent: 100
`;

/** A clock that moves only when someone sleeps; sleeping yields to real I/O first. */
export class VirtualTime {
  private current: number;
  /** Every wait requested, in order. */
  readonly waits: number[] = [];
  constructor(start: number = NOW.getTime()) {
    this.current = start;
  }
  readonly now = (): number => this.current;
  readonly sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.waits.push(ms);
    this.current += Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  };
  get waitedMs(): number {
    return this.waits.reduce((a, b) => a + b, 0);
  }
}

export interface World {
  sandbox: RunningSandbox;
  /** The options object the sandbox reads on every request (latency, fault and reset rates). */
  options: SandboxOptions;
  model: OrgModel;
  time: VirtualTime;
  dir: string;
  policyDir: string;
  client(options?: Partial<AtlassianClientOptions>): AtlassianClient;
  close(): Promise<void>;
}

export async function startWorld(
  options: Partial<SandboxOptions> = {},
  policy: string = FAULT_POLICY,
): Promise<World> {
  const time = new VirtualTime();
  const sandboxOptions: SandboxOptions = {
    users: USERS,
    seed: SEED,
    now: NOW,
    clock: time.now,
    ...options,
  };
  const sandbox = await startSandbox(sandboxOptions);
  const dir = mkdtempSync(path.join(tmpdir(), 'lp-reliability-'));
  const policyDir = path.join(dir, 'policies');
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(path.join(policyDir, 'policy.yml'), policy);
  return {
    sandbox,
    options: sandboxOptions,
    model: sandbox.org,
    time,
    dir,
    policyDir,
    client: (overrides = {}) =>
      new AtlassianClient({
        orgId: sandbox.orgId,
        apiKey: sandbox.apiKey,
        baseUrl: sandbox.url,
        clock: time.now,
        sleep: time.sleep,
        random: () => 0.5,
        ...overrides,
      }),
    close: async () => {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The plan pipeline as the CLI runs it, at `NOW`, from the empty state. */
export async function planIn(
  world: World,
  client: AtlassianClient = world.client(),
  now: Date = NOW,
): Promise<{ plan: Plan; text: string; nextState: State }> {
  const created = await createPlan({
    // Paths in the plan relative to the world's root, so plans of two worlds compare.
    policy: await loadPolicy(world.policyDir, { displayRoot: world.dir }),
    client,
    state: emptyState(),
    now,
    policyCommit: 'c0ffee',
  });
  return { plan: created.plan, text: serializePlan(created.plan), nextState: created.nextState };
}

/** The apply pipeline an hour after the plan, with every wait virtual. */
export async function applyIn(
  world: World,
  plan: Plan,
  state: State,
  options: {
    client?: AtlassianClient;
    audit?: (row: AuditRow) => void;
    runId?: string;
    /** When the apply runs; default an hour after `NOW`. */
    at?: Date;
  } = {},
): Promise<AppliedPlanRun> {
  return applyPlan({
    plan,
    policy: await loadPolicy(world.policyDir, { displayRoot: world.dir }),
    policyCommit: 'd00d',
    client: options.client ?? world.client(),
    state,
    dryRun: false,
    overrideLimits: false,
    audit: options.audit ?? (() => undefined),
    auditContext: { runId: options.runId ?? 'run-1' },
    clock: () => options.at ?? new Date(NOW.getTime() + HOUR),
    verify: { sleep: (ms) => world.time.sleep(ms) },
  });
}

/**
 * What Atlassian holds, as one comparable text: per account its statuses, group memberships and
 * direct grants. Two applies reached the same final state exactly when these are equal.
 */
export function orgFingerprint(model: OrgModel): string {
  const lines: string[] = [];
  for (const user of [...model.users()].sort((a, b) => (a.accountId < b.accountId ? -1 : 1))) {
    const groups = user.groups.map((g) => g.id).sort();
    const grants = user.grants.map((g) => `${g.resourceId}=${g.role}/${g.method}`).sort();
    lines.push(
      `${user.accountId} ${user.accountStatus}/${user.membershipStatus} groups[${groups.join(',')}] grants[${grants.join(',')}]`,
    );
  }
  return lines.join('\n');
}

/**
 * A 429 storm: on top of the sandbox's own per-window limit, every `every`-th request is refused
 * with 429 as if another client of the org had spent the shared budget. The sandbox adds its
 * `X-RateLimit-*` headers and no `Retry-After`, so the client has only the reset time to go by.
 */
export function rateLimitStorm(sandbox: RunningSandbox, every = 2, times = 100_000): void {
  let seen = 0;
  sandbox.faults.failNext({ status: 429, times, match: () => ++seen % every === 0 });
}

/** A page that keeps failing mid-pagination: every users/search request that carries a cursor. */
export function failCursorPages(
  sandbox: RunningSandbox,
  status = 503,
  headers?: Record<string, string>,
): void {
  sandbox.faults.failNext({
    route: 'users.search',
    status,
    times: 100_000,
    ...(headers ? { headers } : {}),
    match: (r) => typeof (r.body as { cursor?: unknown } | undefined)?.cursor === 'string',
  });
}
