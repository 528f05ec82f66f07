/**
 * The restore executor: what each Atlassian answer becomes. A 409 is "already a member" or
 * "licence limit reached" (by the error code, else by reading the user's groups), never a crash;
 * an action is `restored` only when a re-read shows the seat held.
 */
import { describe, expect, it } from '@jest/globals';
import { AtlassianApiError } from '../../../src/atlassian/errors.js';
import type { Operation } from '../../../src/plan/types.js';
import {
  dryRunRestoreExecutor,
  liveRestoreExecutor,
  type RestoreDecision,
  type RestoreWriter,
} from '../../../src/restore/executor.js';
import { CONFLUENCE, DIR, JIRA, action } from './fixtures.js';

const add: Operation = {
  type: 'add-group-membership',
  directoryId: DIR,
  groupId: 'g-users',
  groupName: 'jira-users',
};
const assign: Operation = { type: 'assign-role', role: 'atlassian/user', resourceId: JIRA };

function apiError(status: number, code: string | null, ambiguous = false): AtlassianApiError {
  return new AtlassianApiError({
    kind: 'http',
    status,
    method: 'POST',
    path: '/admin/v2/x',
    route: 'POST x',
    code,
    detail: 'Atlassian explanation',
    ambiguous,
    attempts: 1,
  });
}

interface FakeOptions {
  fail?: Record<string, AtlassianApiError>;
  members?: string[];
  /** Seats held on JIRA at each successive read. */
  held?: string[][];
}

function fakeWriter(options: FakeOptions): { writer: RestoreWriter; calls: string[] } {
  const calls: string[] = [];
  let reads = 0;
  const writer: RestoreWriter = {
    execute: (op, accountId) => {
      calls.push(`${op.type} ${accountId}`);
      const error = options.fail?.[`${op.type} ${accountId}`];
      return error ? Promise.reject(error) : Promise.resolve();
    },
    isMember: (_d, _g, accountId) => {
      calls.push(`isMember ${accountId}`);
      return Promise.resolve(options.members?.includes(accountId) ?? false);
    },
    seatsHeld: (resourceId, accounts) => {
      calls.push(`seatsHeld ${resourceId} ${[...accounts].join(',')}`);
      const held = options.held?.[Math.min(reads, (options.held?.length ?? 1) - 1)] ?? [];
      reads += 1;
      return Promise.resolve(new Set(accounts.filter((a) => held.includes(a))));
    },
  };
  return { writer, calls };
}

const decision = (accountId: string, operations: Operation[]): RestoreDecision => ({
  action: action(accountId, [], { kind: 'restore', operations }),
  operations,
});

const noWait = { sleep: () => Promise.resolve() };

describe('liveRestoreExecutor', () => {
  it('restores and verifies: the seat is held again', async () => {
    const { writer, calls } = fakeWriter({ held: [['alice']] });
    const [result] = await liveRestoreExecutor(writer, noWait)(
      [decision('alice', [add, assign])],
      {},
    );
    expect(result?.outcome).toBe('restored');
    expect(result?.detail).toBe('verified: the seat is held again');
    expect(calls).toEqual([
      'add-group-membership alice',
      'assign-role alice',
      `seatsHeld ${JIRA} alice`,
    ]);
  });

  it('409 with the licence-limit code fails with what to do, and reads nothing to tell', async () => {
    const { writer, calls } = fakeWriter({
      fail: { 'add-group-membership alice': apiError(409, 'ADMIN-409-3') },
    });
    const [result] = await liveRestoreExecutor(writer, noWait)([decision('alice', [add])], {});
    expect(result?.outcome).toBe('failed');
    expect(result?.detail).toBe(
      'licence limit reached: a product that group jira-users grants has no free seat (409 ADMIN-409-3); ' +
        'free a seat or raise the licence tier, then apply this restore plan again',
    );
    expect(calls).not.toContain('isMember alice');
  });

  it('409 without a code and the user in the group: already a member, nothing to give back', async () => {
    const { writer } = fakeWriter({
      fail: { 'add-group-membership alice': apiError(409, null) },
      members: ['alice'],
      held: [['alice']],
    });
    const ops: string[] = [];
    const [result] = await liveRestoreExecutor(writer, noWait)([decision('alice', [add])], {
      onOperation: (_a, r) => ops.push(`${r.outcome}: ${r.detail}`),
    });
    expect(ops).toEqual(['restored: already a member of jira-users (409): nothing to give back']);
    expect(result?.outcome).toBe('restored');
    expect(result?.detail).toBe('verified: the seat was already held; nothing changed');
  });

  it('409 without a code and the user not in the group: the licence limit', async () => {
    const { writer } = fakeWriter({
      fail: { 'add-group-membership alice': apiError(409, null) },
    });
    const [result] = await liveRestoreExecutor(writer, noWait)([decision('alice', [add])], {});
    expect(result?.outcome).toBe('failed');
    expect(result?.detail).toMatch(/^licence limit reached: .*not "already a member"/);
  });

  it('409 on a role assignment is the licence limit of that product', async () => {
    const { writer } = fakeWriter({
      fail: { 'assign-role alice': apiError(409, 'ADMIN-UAM-409-3') },
      held: [['alice']],
    });
    const [result] = await liveRestoreExecutor(writer, noWait)(
      [decision('alice', [add, assign])],
      {},
    );
    expect(result?.outcome).toBe('partial');
    expect(result?.detail).toContain(
      `licence limit reached: ${JIRA} has no free seat (409 ADMIN-UAM-409-3)`,
    );
  });

  it('one failed action does not stop the others', async () => {
    const { writer } = fakeWriter({
      fail: { 'add-group-membership alice': apiError(404, 'ADMIN-404-10') },
      held: [['bob']],
    });
    const results = await liveRestoreExecutor(writer, noWait)(
      [decision('alice', [add]), decision('bob', [add])],
      {},
    );
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'restored']);
    expect(results[0]?.detail).toContain('404 Not Found');
  });

  it('a lost answer counts once the re-read shows the seat; a seat still missing is unverified', async () => {
    const { writer } = fakeWriter({
      fail: { 'add-group-membership alice': apiError(502, null, true) },
      held: [['alice']],
    });
    const [lost] = await liveRestoreExecutor(writer, noWait)([decision('alice', [add])], {});
    expect(lost?.outcome).toBe('restored');
    expect(lost?.operations[0]?.detail).toMatch(
      /^the answer was lost, and a re-read shows the seat held/,
    );

    const { writer: never } = fakeWriter({ held: [[]] });
    const [missing] = await liveRestoreExecutor(never, { ...noWait, verifyRereads: 1 })(
      [decision('alice', [add])],
      {},
    );
    expect(missing?.outcome).toBe('unverified');
    expect(missing?.detail).toBe(`the writes were accepted but no seat is held on ${JIRA}`);
  });

  it('sends a membership that two restore actions of one account give back once, and both count it', async () => {
    const { writer, calls } = fakeWriter({ held: [['alice']] });
    const confluence = action('alice', [], {
      kind: 'restore',
      operations: [add],
      product: 'confluence',
      resourceId: CONFLUENCE,
    });
    const results = await liveRestoreExecutor(writer, noWait)(
      [decision('alice', [add]), { action: confluence, operations: [add] }],
      {},
    );
    expect(calls.filter((c) => !c.startsWith('seatsHeld'))).toEqual(['add-group-membership alice']);
    expect(results.map((r) => [r.outcome, r.detail])).toEqual([
      ['restored', 'verified: the seat is held again'],
      ['restored', 'verified: the seat is held again'],
    ]);
  });

  it('starts no further restore once recording an outcome fails', async () => {
    const { writer, calls } = fakeWriter({ held: [['alice', 'bob', 'carol']] });
    await expect(
      liveRestoreExecutor(writer, { ...noWait, concurrency: 2 })(
        [decision('alice', [add]), decision('bob', [add]), decision('carol', [add])],
        {
          onOperation: (a) => {
            if (a.accountId === 'alice') throw new Error('disk full');
          },
        },
      ),
    ).rejects.toThrow('disk full');
    expect(calls).not.toContain('add-group-membership carol');
  });

  it('reads again when the seat shows up late (eventual consistency), waiting through the injected sleep', async () => {
    const waits: number[] = [];
    const { writer, calls } = fakeWriter({ held: [[], ['alice']] });
    const [result] = await liveRestoreExecutor(writer, {
      verifyDelayMs: 1500,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    })([decision('alice', [add])], {});
    expect(result?.outcome).toBe('restored');
    expect(waits).toEqual([1500]);
    expect(calls.filter((c) => c.startsWith('seatsHeld'))).toHaveLength(2);
  });
});

describe('dryRunRestoreExecutor', () => {
  it('writes nothing and says what would run', async () => {
    const [result] = await dryRunRestoreExecutor()([decision('alice', [add, assign])], {});
    expect(result?.outcome).toBe('dry-run');
    expect(result?.detail).toBe('dry run: 2 operation(s) would run');
  });
});
