import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import { planSchemaJson } from '../../../src/plan/plan-schema.js';
import {
  emptyState,
  parseState,
  serializeState,
  stateSchemaJson,
} from '../../../src/plan/state.js';
import { licenceKey, type State } from '../../../src/plan/types.js';
import { LicensedSince } from '../../../src/plan/licensed-since.js';

function expectInputError(fn: () => unknown, fragment: string): void {
  expect(fn).toThrow(InputError);
  expect(fn).toThrow(fragment);
}

describe('state file', () => {
  it('writes the empty state as stable, sorted JSON', () => {
    expect(serializeState(emptyState())).toBe(
      '{\n  "lastApplied": null,\n  "licensedSince": {},\n  "orgId": null,\n  "schemaVersion": 1\n}\n',
    );
  });

  it('round-trips, with entries sorted whatever order they were added in', () => {
    const a: State = {
      schemaVersion: 1,
      orgId: 'org-acme',
      licensedSince: LicensedSince.fromRecord({
        [licenceKey('acc-2', 'ari:cloud:confluence::site/1')]: {
          since: '2026-11-01T00:00:00.000Z',
        },
        [licenceKey('acc-1', 'ari:cloud:jira-software::site/1')]: {
          since: '2025-03-04T00:00:00.000Z',
          estimated: true,
        },
      }),
      lastApplied: { planId: '2026-11-30-a1b2c3d4', createdAt: '2026-11-30T06:00:00.000Z' },
    };
    const b: State = {
      ...a,
      licensedSince: LicensedSince.fromRecord(
        Object.fromEntries(Object.entries(a.licensedSince.toRecord()).reverse()),
      ),
    };
    const text = serializeState(a);
    expect(serializeState(b)).toBe(text);
    expect(text.indexOf('acc-1 ')).toBeLessThan(text.indexOf('acc-2 '));
    const back = parseState(text, 'state.json');
    expect(back.licensedSince.toRecord()).toEqual(a.licensedSince.toRecord());
    expect(back.licensedSince.get('acc-1', 'ari:cloud:jira-software::site/1')).toEqual({
      since: '2025-03-04T00:00:00.000Z',
      estimated: true,
    });
    expect(back.licensedSince.size).toBe(2);
    expect({ ...back, licensedSince: null }).toEqual({ ...a, licensedSince: null });
  });

  it('rejects broken state files with the file name and the problem', () => {
    const base = JSON.parse(serializeState(emptyState())) as Record<string, unknown>;
    const text = (patch: Record<string, unknown>): string => JSON.stringify({ ...base, ...patch });
    expectInputError(
      () => parseState('{"schemaVersion":1,', 'state.json'),
      'state.json: the state file is not valid JSON',
    );
    expectInputError(() => parseState('{}', 'state.json'), 'missing "schemaVersion"');
    expectInputError(
      () => parseState(text({ schemaVersion: 2 }), 's'),
      'schemaVersion 2 is not supported',
    );
    expectInputError(
      () =>
        parseState(text({ licensedSince: { 'no-space': { since: '2026-01-01T00:00:00Z' } } }), 's'),
      'licensedSince',
    );
    expectInputError(
      () => parseState(text({ licensedSince: { 'a b': { since: 'soon' } } }), 's'),
      'licensedSince["a b"].since: "soon" is not a valid date-time',
    );
    expectInputError(
      () =>
        parseState(
          text({ licensedSince: { 'a b': { since: '2026-01-01T00:00:00Z', estimated: false } } }),
          's',
        ),
      'estimated',
    );
    expectInputError(
      () =>
        parseState(text({ lastApplied: { planId: 'x', createdAt: '2026-01-01T00:00:00Z' } }), 's'),
      'lastApplied',
    );
    expectInputError(() => parseState(text({ extra: 1 }), 's'), 'unknown field "extra"');
  });
});

describe('published schemas', () => {
  it('are stable JSON documents that describe the files', () => {
    const plan = JSON.parse(planSchemaJson()) as { required: string[]; title: string };
    expect(plan.title).toBe('atlassian-license-policy plan file');
    expect(plan.required).toContain('digest');
    expect(planSchemaJson().endsWith('}\n')).toBe(true);
    expect((JSON.parse(stateSchemaJson()) as { required: string[] }).required).toEqual([
      'schemaVersion',
      'orgId',
      'licensedSince',
      'lastApplied',
    ]);
  });
});
