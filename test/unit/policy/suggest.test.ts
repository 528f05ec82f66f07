import { describe, expect, it } from '@jest/globals';
import { closest, editDistance } from '../../../src/policy/suggest.js';

describe('did-you-mean suggestions', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    expect(editDistance('noticeDays', 'noticDays')).toBe(1);
    expect(editDistance('rules', 'rulse')).toBe(1);
    expect(editDistance('scope', 'scopes')).toBe(1);
    expect(editDistance('limits', 'limitz')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });

  it('prefers a case or separator difference, then the nearest close key', () => {
    const keys = ['inactiveDays', 'noticeDays', 'neverActive', 'keepAtMost'];
    expect(closest('inactivedays', keys)).toBe('inactiveDays');
    expect(closest('inactive_days', keys)).toBe('inactiveDays');
    expect(closest('noticDays', keys)).toBe('noticeDays');
    expect(closest('keepAtMots', keys)).toBe('keepAtMost');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closest('budget', ['maxRemovals', 'planTtlHours'])).toBeUndefined();
    expect(closest('x', ['id'])).toBeUndefined();
  });
});
