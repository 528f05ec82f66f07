/**
 * Who may apply (SPEC §5, §7), through the action's apply mode with the real pipelines, the
 * sandbox and the fake GitHub: every refusal changes nothing in Atlassian (not one request),
 * records a `refused` audit row, says why on the PR and in the run; and the two races — a newer
 * scheduled plan while an approved plan PR is open, and a policy change merged while a plan PR
 * is open — end with exactly the reviewed writes the current policy still agrees with.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { ModeResult } from '../../src/action/validate.js';
import { finalizePlan, serializePlan } from '../../src/plan/plan-file.js';
import type { Plan } from '../../src/plan/types.js';
import {
  GITHUB_TOKEN,
  startActionWorld,
  type ActionWorld,
  type ModeRun,
} from './support/action.js';
import { runMain } from './support/run-main.js';
import { ODD_POLICY, startOddOrg, type OddOrg } from './support/odd-org.js';

const PLAN_BRANCH = 'license-policy/plan';
const OVERRIDE_LABEL = 'license-policy:override-limits';
const DAY = 86_400_000;

let org: OddOrg | undefined;
let world: ActionWorld | undefined;

afterEach(async () => {
  await world?.close();
  await org?.close();
  world = undefined;
  org = undefined;
});

async function start(
  options: { policy?: string; alternateAri?: boolean; users?: number } = {},
): Promise<{ org: OddOrg; world: ActionWorld }> {
  const subjects: Record<string, object> = {};
  for (let i = 0; i < (options.users ?? 3); i++) subjects[`inactive${i}`] = {};
  org = await startOddOrg(subjects, {
    ...(options.alternateAri ? { sandbox: { activityAriSpelling: 'alternate' } } : {}),
  });
  world = await startActionWorld(org.sandbox, {
    'policies/policy.yml': options.policy ?? ODD_POLICY,
  });
  return { org, world };
}

/** A scheduled run that opened plan PR #n; its plan as committed. */
async function planPr(w: ActionWorld): Promise<{ number: number; plan: Plan; path: string }> {
  const run = await w.schedule();
  expect(run.result.failures).toEqual([]);
  const number = run.result.outputs.prNumber!;
  const file = w.planFileOf(number);
  return { number, plan: JSON.parse(file.text) as Plan, path: file.path };
}

/** The merge of PR #n and the apply job its push starts, with the sandbox's log reset first. */
async function mergeAndApply(
  w: ActionWorld,
  o: OddOrg,
  number: number,
  inputs: Record<string, string> = {},
): Promise<ModeRun & { result: ModeResult }> {
  const push = w.github.mergePull(number);
  o.sandbox.resetLog();
  return w.applyFor('push', push, { sha: push.after, inputs });
}

/** A refusal: the reason in the run, one refused audit row, a PR comment, and no Atlassian request. */
function expectRefused(
  run: ModeRun & { result: ModeResult },
  o: OddOrg,
  reason: RegExp,
  pr: number | null,
): void {
  expect(o.sandbox.requests).toEqual([]);
  expect(run.result.failures.join('\n')).toMatch(/Apply refused: /);
  expect(run.result.failures.join('\n')).toMatch(reason);
  expect(run.result.outputs.applied ?? 0).toBe(0);
  const audit = readFileSync(run.result.outputs.auditCsv, 'utf8').trimEnd().split('\r\n');
  expect(audit.slice(1).map((row) => row.split(',')[14])).toEqual(['refused']);
  if (pr !== null) {
    const comment = world!.github.commentsOn(pr).find((c) => c.body.includes('Apply refused'));
    expect(comment?.body).toMatch(reason);
  }
}

describe('SPEC §7 merge checks: refused before any Atlassian request', () => {
  it('a push to a branch other than the default branch applies nothing', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    const before = world.github.head(PLAN_BRANCH);
    world.github.pushCommit('release', { [pr.path]: serializePlan(pr.plan) });
    org.sandbox.resetLog();
    const run = await world.applyFor('push', world.github.pushEvent('release', before), {
      sha: world.github.head('release'),
      ref: 'refs/heads/release',
    });
    expect(org.sandbox.requests).toEqual([]);
    expect(run.result.outputs.applied ?? 0).toBe(0);
    expect(run.io.summaries.join('')).toContain('not to the default branch');
  });

  it('a plan merged through a PR whose head is not plan-branch', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.pushCommit('sneaky', { [pr.path]: serializePlan(pr.plan) });
    const sneaky = world.github.openPull('sneaky', 'Remove some licences');
    world.github.review(sneaky.number, 'bob');
    const run = await mergeAndApply(world, org, sneaky.number);
    // Not a plan PR: the refusal is in the run and the audit, not commented on someone's PR.
    expectRefused(run, org, /head branch is "sneaky", not the plan branch/, null);
  });

  it('an approval on an older commit of the plan PR only', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    world.github.pushCommit(PLAN_BRANCH, { 'notes.md': 'one more thing\n' });
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(
      run,
      org,
      /no approving review on its head commit .*bob approved an older commit/,
      pr.number,
    );
  });

  it('changes requested after the approval', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    world.github.review(pr.number, 'carol', 'CHANGES_REQUESTED');
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(run, org, /changes requested by carol/, pr.number);
  });

  it('two plan files in the merged PR', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    const second = finalizePlan({
      ...pr.plan,
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    });
    world.github.pushCommit(PLAN_BRANCH, {
      [`plans/${second.planId}.json`]: serializePlan(second),
    });
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number);
    expect(org.sandbox.requests).toEqual([]);
    expect(run.result.failures.join('\n')).toMatch(/2 plan files|several|exactly one/);
  });

  it('a dispatch naming a plan file that no merged plan PR added', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.pushCommit('main', { [pr.path]: serializePlan(pr.plan) }, 'Straight to main');
    org.sandbox.resetLog();
    const run = await world.applyFor('workflow_dispatch', world.github.dispatchEvent({}), {
      inputs: { mode: 'apply', 'plan-file': pr.path },
    });
    expectRefused(
      run,
      org,
      /no merged PR from "license-policy\/plan".* into main added plans\//,
      null,
    );
  });
});

describe('SPEC §5 refusals of the plan itself, after the merge checks pass', () => {
  it('a plan for another organization', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number, { 'atlassian-org-id': 'another-org' });
    expectRefused(
      run,
      org,
      /is for organization .*, but this run is configured for another-org/,
      pr.number,
    );
  });

  it('a plan edited on the plan branch, then approved (tampered: digest mismatch)', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    const edited = pr.plan.actions.map((a) =>
      a.status === 'planned' ? { ...a, accountId: org.ids.inactive0 } : a,
    );
    world.github.pushCommit(PLAN_BRANCH, {
      [pr.path]: serializePlan({ ...pr.plan, actions: edited }),
    });
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(run, org, /edited after it was generated: its digest does not match/, pr.number);
  });

  it('an expired plan (older than planTtlHours), even with a valid digest', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    const { planId: _id, digest: _digest, ...body } = pr.plan;
    const old = finalizePlan({
      ...body,
      createdAt: new Date(Date.now() - 4 * DAY).toISOString(),
      expiresAt: new Date(Date.now() - DAY).toISOString(),
    });
    world.github.pushCommit(PLAN_BRANCH, {
      [pr.path]: null,
      [`plans/${old.planId}.json`]: serializePlan(old),
    });
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(run, org, /expired at/, pr.number);
  });

  it('a plan older than the last applied plan', async () => {
    const { org, world } = await start();
    const first = await planPr(world);
    world.github.review(first.number, 'bob');
    const applied = await mergeAndApply(world, org, first.number);
    expect(applied.result.failures).toEqual([]);
    // Someone else goes quiet; the next plan removes them and is applied too.
    org.model.setActivity(
      org.model.users()[0].accountId,
      org.jiraId,
      new Date(Date.now() - 90 * DAY),
    );
    const second = await planPr(world);
    world.github.review(second.number, 'bob');
    expect((await mergeAndApply(world, org, second.number)).result.failures).toEqual([]);
    // Re-applying the first plan now would act on older data.
    org.sandbox.resetLog();
    const run = await world.applyFor('workflow_dispatch', world.github.dispatchEvent({}), {
      inputs: { mode: 'apply', 'plan-file': first.path },
    });
    expectRefused(run, org, /is older than the last applied plan/, first.number);
  });

  it('a plan blocked by limits without the override label; applied once the label is on the PR', async () => {
    const policy = ODD_POLICY.replace('maxRemovals: 1000', 'maxRemovals: 1');
    const { org, world } = await start({ policy });
    const pr = await planPr(world);
    expect(pr.plan.blocked.map((b) => b.code)).toEqual(['max-removals']);
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(run, org, /blocked by limits/, pr.number);

    world.github.pull(pr.number).labels.push(OVERRIDE_LABEL);
    org.sandbox.resetLog();
    const again = await world.applyFor('workflow_dispatch', world.github.dispatchEvent({}), {
      inputs: { mode: 'apply', 'plan-file': pr.path },
    });
    expect(again.result.failures).toEqual([]);
    expect(again.result.outputs.applied).toBe(3);
  });

  it('activity-data-missing, even with the override label', async () => {
    const { org, world } = await start({ alternateAri: true });
    const pr = await planPr(world);
    expect(pr.plan.blocked.map((b) => b.code)).toEqual(['activity-data-missing']);
    world.github.pull(pr.number).labels.push(OVERRIDE_LABEL);
    world.github.review(pr.number, 'bob');
    const run = await mergeAndApply(world, org, pr.number);
    expectRefused(run, org, /no override can lift it: activity-data-missing/, pr.number);
  });
});

describe('pull-request events never apply, whatever their inputs (main.ts picks the mode)', () => {
  it.each([
    ['pull_request', { mode: 'apply' }, false],
    ['pull_request', { mode: 'auto', 'plan-file': 'PLAN' }, false],
    ['pull_request_target', { mode: 'apply', 'plan-file': 'PLAN' }, false],
    ['pull_request', { mode: 'plan' }, false],
    ['pull_request', { mode: 'apply', 'plan-file': 'PLAN' }, true],
  ])('%s with %j (fork: %s): validate only, no Atlassian request', async (event, given, fork) => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    let number = pr.number;
    if (fork) {
      world.github.pushCommit('fork-main', { 'policies/policy.yml': `${ODD_POLICY}# fork\n` });
      number = world.github.openPull('fork-main', 'From a fork', { fromFork: true }).number;
    }
    const inputs: Record<string, string> = {
      'atlassian-org-id': org.sandbox.orgId,
      'atlassian-api-key': org.sandbox.apiKey,
      'atlassian-api-url': org.sandbox.url,
      'github-token': GITHUB_TOKEN,
    };
    for (const [k, v] of Object.entries(given)) inputs[k] = v === 'PLAN' ? pr.path : v;
    org.sandbox.resetLog();
    const result = await runMain({
      github: world.github,
      event,
      payload: world.github.pullRequestEvent(number),
      inputs,
      token: GITHUB_TOKEN,
      sha: world.github.headSha(world.github.pull(number)),
      ref: `refs/pull/${number}/merge`,
    });
    expect(result.outputs.mode).toBe('validate');
    expect(result.outputs.applied).toBe('');
    expect(org.sandbox.requests).toEqual([]);
    expect(result.stdout).toMatch(/never plans or applies/);
    expect(
      world.github.commentsOn(number).filter((c) => /Applied plan|Apply refused/.test(c.body)),
    ).toEqual([]);
  });
});

describe('races', () => {
  it('a newer scheduled plan while an approved plan PR is open: the PR keeps the reviewed plan, and merging applies exactly it', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    // Another user goes quiet before the next scheduled run.
    const late = org.model.users()[0].accountId;
    org.model.setActivity(late, org.jiraId, new Date(Date.now() - 90 * DAY));
    const next = await world.schedule();
    expect(next.result.failures).toEqual([]);
    expect(world.planFileOf(pr.number)).toEqual({ path: pr.path, text: serializePlan(pr.plan) });
    expect(
      world.github
        .commentsOn(pr.number)
        .map((c) => c.body)
        .join('\n'),
    ).toMatch(/newer plan/i);

    const run = await mergeAndApply(world, org, pr.number);
    expect(run.result.failures).toEqual([]);
    const removed = org.sandbox.writes().map((w) => decodeURIComponent(w.path.split('/').pop()!));
    expect(removed.sort()).toEqual(Object.values(org.ids).sort());
    expect(removed).not.toContain(late);
  });

  it('a policy change merged while the plan PR is open: apply keeps only what the policy at HEAD still does', async () => {
    const { org, world } = await start();
    const pr = await planPr(world);
    world.github.review(pr.number, 'bob');
    // Merged first: a policy PR that excludes inactive0 by email.
    const excluded = org.model.user(org.ids.inactive0)!.email!;
    const policy = ODD_POLICY.replace(
      'exclude:\n',
      `exclude:\n  accounts:\n    - { email: ${excluded}, reason: Keeps Jira for the audit }\n`,
    );
    world.github.pushCommit('policy-change', { 'policies/policy.yml': policy });
    const policyPr = world.github.openPull('policy-change', 'Keep one account');
    world.github.review(policyPr.number, 'dan');
    world.github.mergePull(policyPr.number);
    // inactive1 used Jira again meanwhile.
    org.model.setActivity(org.ids.inactive1, org.jiraId, new Date());

    const run = await mergeAndApply(world, org, pr.number);
    expect(run.result.failures).toEqual([]);
    const removed = org.sandbox.writes().map((w) => decodeURIComponent(w.path.split('/').pop()!));
    expect(removed).toEqual([org.ids.inactive2]);
    const rows = readFileSync(run.result.outputs.auditCsv, 'utf8').split('\r\n');
    const outcomeFor = (id: string) =>
      rows.filter((r) => r.includes(id) && r.includes(',apply,')).map((r) => r.split(',')[14]);
    expect(outcomeFor(org.ids.inactive0)).toEqual(['skipped-now-excluded']);
    expect(outcomeFor(org.ids.inactive1)).toEqual(['skipped-now-active']);
    expect(outcomeFor(org.ids.inactive2)).toContain('applied');
  });
});
