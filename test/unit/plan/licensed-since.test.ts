/** The state's licensedSince in memory: per resource, then per account; the file's flat form. */
import { describe, expect, it } from '@jest/globals';
import { LicensedSince } from '../../../src/plan/licensed-since.js';

const JIRA = 'ari:cloud:jira-software::site/1';
const CONF = 'ari:cloud:confluence::site/1';
const at = (day: number) => ({ since: `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z` });

describe('LicensedSince', () => {
  it('records, replaces and forgets licences, counting each account+resource once', () => {
    const dates = new LicensedSince();
    dates.set('a', JIRA, at(1));
    dates.set('a', CONF, at(2));
    dates.set('b', JIRA, at(3));
    dates.set('a', JIRA, at(4));
    expect(dates.size).toBe(3);
    expect(dates.get('a', JIRA)).toEqual(at(4));
    expect(dates.get('b', CONF)).toBeUndefined();
    expect(dates.delete('b', CONF)).toBe(false);
    expect(dates.delete('a', CONF)).toBe(true);
    expect(dates.size).toBe(2);
    expect(dates.resourceIds()).toEqual([JIRA]);
    expect(dates.toRecord()).toEqual({ [`a ${JIRA}`]: at(4), [`b ${JIRA}`]: at(3) });
  });

  it('copies independently, and copies a resource over what was there', () => {
    const original = LicensedSince.fromRecord({ [`a ${JIRA}`]: at(1), [`b ${CONF}`]: at(2) });
    const copy = original.copy();
    copy.delete('a', JIRA);
    copy.set('c', JIRA, at(3));
    expect(original.toRecord()).toEqual({ [`a ${JIRA}`]: at(1), [`b ${CONF}`]: at(2) });
    expect(copy.toRecord()).toEqual({ [`b ${CONF}`]: at(2), [`c ${JIRA}`]: at(3) });

    copy.copyResource(original, JIRA);
    expect(copy.toRecord()).toEqual({ [`a ${JIRA}`]: at(1), [`b ${CONF}`]: at(2) });
    expect(copy.size).toBe(2);
    copy.copyResource(original, 'ari:cloud:none');
    expect(copy.size).toBe(2);
  });

  it('reads the file form back exactly, and refuses keys that are not "<accountId> <resourceId>"', () => {
    const record = { [`557058:abc ${JIRA}`]: { ...at(5), estimated: true as const } };
    const dates = LicensedSince.fromRecord(record);
    expect(dates.get('557058:abc', JIRA)).toEqual({ ...at(5), estimated: true });
    expect(dates.toRecord()).toEqual(record);
    for (const key of ['nospace', ' leading', 'trailing ', 'a b c']) {
      expect(() => LicensedSince.fromRecord({ [key]: at(1) })).toThrow(JSON.stringify(key));
    }
  });

  it('gives the file form in key order whatever the recording order, also to JSON.stringify', () => {
    const a = new LicensedSince();
    a.set('b', JIRA, at(1));
    a.set('a', JIRA, at(2));
    a.set('a', CONF, at(3));
    const b = new LicensedSince();
    b.set('a', CONF, at(3));
    b.set('a', JIRA, at(2));
    b.set('b', JIRA, at(1));
    const keys = [`a ${CONF}`, `a ${JIRA}`, `b ${JIRA}`];
    expect(Object.keys(a.toRecord())).toEqual(keys);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(JSON.parse(JSON.stringify({ licensedSince: a })).licensedSince)).toEqual(
      keys,
    );
  });

  it('takes a resource whole as a sorted list, finds every licence in it, and changes it like any other', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `acc-${String(i * 7).padStart(5, '0')}`);
    const starts = ids.map((_, i) => at((i % 28) + 1));
    const dates = new LicensedSince();
    dates.set('zz', JIRA, at(9));
    dates.set('x', CONF, at(8));
    dates.setResource(JIRA, ids, starts);
    expect(dates.size).toBe(1001);
    ids.forEach((id, i) => expect(dates.get(id, JIRA)).toBe(starts[i]));
    // Between, before and after the listed ids; the replaced "zz" is gone.
    for (const missing of ['acc-00001', 'acc-', 'acc-99999', 'zz', '']) {
      expect(dates.get(missing, JIRA)).toBeUndefined();
    }
    const copy = dates.copy();
    expect(copy.delete(ids[500], JIRA)).toBe(true);
    expect(copy.delete(ids[500], JIRA)).toBe(false);
    copy.set('new', JIRA, at(3));
    expect(copy.size).toBe(1001);
    expect(copy.get(ids[499], JIRA)).toBe(starts[499]);
    expect(copy.get('new', JIRA)).toEqual(at(3));
    // The original's sorted list is untouched by the copy's changes.
    expect(dates.get(ids[500], JIRA)).toBe(starts[500]);
    expect(dates.get('new', JIRA)).toBeUndefined();
    expect(Object.keys(dates.toRecord())).toHaveLength(1001);
    expect(Object.keys(dates.toRecord())[0]).toBe(`acc-00000 ${JIRA}`);

    dates.setResource(JIRA, [], []);
    expect(dates.size).toBe(1);
    expect(dates.resourceIds()).toEqual([CONF]);
  });

  it('refuses a list that is not sorted, has repeats, or does not align', () => {
    const dates = new LicensedSince();
    expect(() => dates.setResource(JIRA, ['b', 'a'], [at(1), at(2)])).toThrow('sorted');
    expect(() => dates.setResource(JIRA, ['a', 'a'], [at(1), at(2)])).toThrow('sorted');
    expect(() => dates.setResource(JIRA, ['a'], [])).toThrow('one start per account');
    expect(dates.size).toBe(0);
  });
});
