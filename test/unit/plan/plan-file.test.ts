import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { InputError } from '../../../src/errors.js';
import { canonicalJson, stableJson } from '../../../src/plan/canonical.js';
import {
  computePlanDigest,
  finalizePlan,
  parsePlan,
  planIdFor,
  serializePlan,
  verifyPlanDigest,
  verifyPlanId,
} from '../../../src/plan/plan-file.js';
import type { Plan, PlanBody } from '../../../src/plan/types.js';
import { samplePlanBody } from './sample-plan.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reversedKeys(v)]));
}

function expectInputError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e: unknown) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
}

describe('plan identity and digest', () => {
  it('names the plan by the UTC day of createdAt and 8 hex of the body hash', () => {
    const body = samplePlanBody();
    const plan = finalizePlan(body);
    expect(plan.planId).toMatch(/^2026-11-30-[0-9a-f]{8}$/);
    expect(plan.planId.slice(11)).toBe(sha256(canonicalize(body)!).slice(0, 8));
  });

  it('uses the UTC date, not the offset written in createdAt', () => {
    const body = { ...samplePlanBody(), createdAt: '2026-11-30T23:30:00-05:00' };
    expect(planIdFor(body)).toMatch(/^2026-12-01-/);
  });

  it('digests the RFC 8785 canonical JSON of the plan without digest', () => {
    const plan = finalizePlan(samplePlanBody());
    const { digest, ...rest } = plan;
    expect(digest).toBe(sha256(canonicalize(rest)!));
    expect(computePlanDigest(plan)).toBe(digest);
    expect(verifyPlanDigest(plan)).toBe(true);
    expect(verifyPlanId(plan)).toBe(true);
  });

  it('hashes lists of any length as the package does, in slices or whole', () => {
    // 0, 1, one under / at / over a slice of 512, and several slices with a short last one.
    for (const count of [0, 1, 511, 512, 513, 1300]) {
      const body = samplePlanBody();
      const [template] = body.actions;
      body.actions = Array.from({ length: count }, (_, i) => ({
        ...template,
        id: `act-${i.toString(16).padStart(16, '0')}`,
      }));
      body.upcoming = Array.from({ length: count }, (_, i) => ({
        ...body.upcoming[0],
        email: `u${i}@x`,
      }));
      const plan = finalizePlan(body);
      expect(plan.planId.slice(11)).toBe(sha256(canonicalize(body)!).slice(0, 8));
      const { digest, ...rest } = plan;
      expect(digest).toBe(sha256(canonicalize(rest)!));
    }
  });

  it('gives the same plan for the same body whatever the key order, and leaves the body alone', () => {
    const body = samplePlanBody();
    const before = JSON.stringify(body);
    const a = finalizePlan(body);
    const b = finalizePlan(reversedKeys(samplePlanBody()) as PlanBody);
    expect(JSON.stringify(body)).toBe(before);
    expect(b.planId).toBe(a.planId);
    expect(b.digest).toBe(a.digest);
    expect(serializePlan(b)).toBe(serializePlan(a));
  });

  it('gives a different id when anything in the body differs', () => {
    const a = finalizePlan(samplePlanBody());
    const body = samplePlanBody();
    body.actions[0].inactiveDays = 91;
    expect(finalizePlan(body).planId).not.toBe(a.planId);
  });

  it('refuses a createdAt that is not a timestamp', () => {
    expect(() => planIdFor({ ...samplePlanBody(), createdAt: 'yesterday' })).toThrow(
      /createdAt is not a valid timestamp/,
    );
  });

  it('detects a change to any single field of the plan', () => {
    const plan = finalizePlan(samplePlanBody());
    const paths: Array<Array<string | number>> = [];
    const walk = (value: unknown, path: Array<string | number>): void => {
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
        }
      } else if (path[0] !== 'digest') paths.push(path);
    };
    walk(plan, []);
    expect(paths.length).toBeGreaterThan(150);
    for (const path of paths) {
      const copy = structuredClone(plan) as unknown as Record<string | number, unknown>;
      let parent = copy;
      for (const key of path.slice(0, -1)) parent = parent[key] as typeof parent;
      const last = path[path.length - 1];
      const old = parent[last];
      parent[last] =
        typeof old === 'string'
          ? old + 'x'
          : typeof old === 'number'
            ? old + 1
            : typeof old === 'boolean'
              ? !old
              : 'x';
      expect({ path, ok: verifyPlanDigest(copy as unknown as Plan) }).toEqual({ path, ok: false });
    }
  });

  it('detects an added or removed action', () => {
    const plan = finalizePlan(samplePlanBody());
    expect(verifyPlanDigest({ ...plan, actions: plan.actions.slice(1) })).toBe(false);
    expect(verifyPlanDigest({ ...plan, actions: [...plan.actions, plan.actions[0]] })).toBe(false);
  });

  it('notices a renamed plan even when its digest was recomputed', () => {
    const plan = finalizePlan(samplePlanBody());
    const renamed = { ...plan, planId: '2026-11-30-00000000' };
    const forged = { ...renamed, digest: computePlanDigest(renamed) };
    expect(verifyPlanDigest(forged)).toBe(true);
    expect(verifyPlanId(forged)).toBe(false);
  });
});

describe('RFC 8785 canonical JSON', () => {
  it('matches the RFC example: numbers, escapes and literals', () => {
    const value = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(value)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('writes numbers in the shortest ES form', () => {
    expect(canonicalJson([-0, 1.0, 100, 1e21, 1e-7, 0.1 + 0.2, 3108.4])).toBe(
      '[0,1,100,1e+21,1e-7,0.30000000000000004,3108.4]',
    );
  });

  it('orders keys by UTF-16 code units, including non-ASCII and astral keys', () => {
    // Code points would put U+FB00 before U+1F600; UTF-16 units put the surrogate 0xD83D first.
    const value = { '\uFB00': 1, '😀': 2, é: 3, z: 4, Z: 5, '1': 6, '': 7 };
    expect(canonicalJson(value)).toBe('{"":7,"1":6,"Z":5,"z":4,"é":3,"😀":2,"ﬀ":1}');
    expect(Object.keys(JSON.parse(stableJson(value)) as object)).toEqual(
      Object.keys(JSON.parse(canonicalJson(value)) as object),
    );
    expect(stableJson(value).split('\n')[1]).toBe('  "": 7,');
  });

  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ a: '\uD800' })).toThrow();
  });
});

describe('plan file text', () => {
  it('is sorted, 2-space indented, LF-only and ends with one newline', () => {
    const text = serializePlan(finalizePlan(samplePlanBody()));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text).not.toContain('\r');
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "actions": [');
    const topKeys = lines.filter((l) => /^ {2}"/.test(l)).map((l) => /"([^"]+)"/.exec(l)![1]);
    expect(topKeys).toEqual([...topKeys].sort());
    expect(topKeys[topKeys.length - 1]).toBe('warnings');
  });

  it('round-trips byte for byte and keeps its digest', () => {
    const plan = finalizePlan(samplePlanBody());
    const text = serializePlan(plan);
    const parsed = parsePlan(text, 'plans/x.json');
    expect(parsed).toEqual(plan);
    expect(verifyPlanDigest(parsed)).toBe(true);
    expect(serializePlan(parsed)).toBe(text);
  });

  it('round-trips hostile strings and restore plans', () => {
    const body = samplePlanBody();
    body.kind = 'restore';
    body.restoreOf = {
      planId: '2026-11-28-abcdef01',
      planDigest: 'c'.repeat(64),
      auditFile: 'a.csv',
    };
    body.actions[0].name = 'Ziggy \u202Eevil\u202C "quoted" \\ 😀 \u2028 <b>';
    const plan = finalizePlan(body);
    const parsed = parsePlan(serializePlan(plan), 'p.json');
    expect(parsed.actions[0].name).toBe(body.actions[0].name);
    expect(verifyPlanDigest(parsed)).toBe(true);
  });
});

describe('parsePlan rejects broken plan files', () => {
  const good = (): Record<string, unknown> =>
    JSON.parse(serializePlan(finalizePlan(samplePlanBody()))) as Record<string, unknown>;
  const text = (value: unknown): string => JSON.stringify(value);

  it('names the file for truncated JSON', () => {
    const full = serializePlan(finalizePlan(samplePlanBody()));
    expectInputError(
      () => parsePlan(full.slice(0, full.length / 2), 'plans/2026-11-30-x.json'),
      'plans/2026-11-30-x.json',
      'not valid JSON',
    );
  });

  it('rejects an empty file and a file that is not an object', () => {
    expectInputError(() => parsePlan('  \n', 'p.json'), 'p.json', 'empty');
    expectInputError(() => parsePlan('[]', 'p.json'), 'must hold a JSON object');
  });

  it('rejects a schemaVersion it does not know', () => {
    expectInputError(
      () => parsePlan(text({ ...good(), schemaVersion: 2 }), 'p.json'),
      'p.json',
      'schemaVersion 2 is not supported',
    );
    expectInputError(() => parsePlan(text({ ...good(), schemaVersion: '1' }), 'p.json'), '"1"');
  });

  it('rejects a plan without its digest', () => {
    const plan = good();
    delete plan.digest;
    expectInputError(() => parsePlan(text(plan), 'p.json'), 'missing required field "digest"');
  });

  it('rejects an unknown operation type, naming where it is', () => {
    const plan = good() as { actions: Array<{ operations: Array<Record<string, unknown>> }> };
    plan.actions[1].operations[0] = { type: 'delete-user', directoryId: 'd' };
    expectInputError(
      () => parsePlan(text(plan), 'p.json'),
      'actions[1].operations[0].type: unknown type "delete-user"',
      'remove-group-membership',
    );
  });

  it('rejects wrong types, unknown fields, bad timestamps and bad ids', () => {
    const plan = good() as Record<string, unknown> & {
      summary: Array<Record<string, unknown>>;
      actions: Array<Record<string, unknown>>;
    };
    plan.summary[0].licensed = '200';
    plan.actions[0].colour = 'red';
    plan.actions[2].lastActive = 'last Tuesday';
    plan.planId = 'latest';
    expectInputError(
      () => parsePlan(text(plan), 'p.json'),
      'summary[0].licensed: must be integer, found string "200"',
      'actions[0]: unknown field "colour"',
      'actions[2].lastActive: "last Tuesday" is not a valid date-time',
      'planId: "latest" does not have the expected form',
    );
  });

  it('rejects an unknown status and a duplicate action id', () => {
    const bad = good() as { actions: Array<Record<string, unknown>> };
    bad.actions[0].status = 'maybe';
    expectInputError(
      () => parsePlan(text(bad), 'p.json'),
      'actions[0].status: "maybe" is not one of',
    );
    const dup = good() as { actions: Array<Record<string, unknown>> };
    dup.actions[1].id = dup.actions[0].id;
    expectInputError(() => parsePlan(text(dup), 'p.json'), 'actions[1].id: duplicate action id');
  });
});
