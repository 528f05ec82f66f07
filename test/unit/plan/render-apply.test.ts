import { describe, expect, it } from '@jest/globals';
import { renderApplyMarkdown } from '../../../src/plan/render-apply.js';
import type { ApplyOutcomeEntry, ApplyResult } from '../../../src/plan/types.js';

function entry(i: number, outcome: ApplyOutcomeEntry['outcome'], detail = ''): ApplyOutcomeEntry {
  return {
    actionId: `act-${String(i).padStart(16, '0')}`,
    accountId: `acc-${i}`,
    email: `user${i}@example.com`,
    name: `User ${i}`,
    product: 'jira-software',
    site: 'acme.atlassian.net',
    outcome,
    detail,
  };
}

function result(outcomes: ApplyOutcomeEntry[], dryRun = false): ApplyResult {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  return { planId: '2026-11-30-a1b2c3d4', outcomes, counts, dryRun };
}

describe('apply outcome rendering', () => {
  const outcomes = [
    entry(1, 'applied', 'seat gone after re-read'),
    entry(2, 'applied'),
    entry(
      3,
      'failed',
      'POST /v2/orgs/o/directories/d/groups/g/memberships/remove: 500 after 4 attempts',
    ),
    entry(4, 'partial', 'group removed; direct role revoke failed: 403'),
    entry(5, 'skipped-now-active', 'active 2026-11-30 (after the plan)'),
    entry(6, 'already-absent', 'user no longer in group (confirmed)'),
  ];
  const md = renderApplyMarkdown(result(outcomes), {
    redact: 'none',
    auditPath: 'audit/2026/11/2026-11-30-a1b2c3d4-123-1.csv',
  });

  it('leads with what was done and what did not complete', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## License policy apply: plan `2026-11-30-a1b2c3d4`');
    expect(lines[2]).toBe('**Applied 2 of 6 actions**, **2 not completed**, 2 skipped.');
    expect(md).toContain('> [!WARNING]\n> 2 actions did not complete; the run fails.');
  });

  it('counts every outcome with what it means', () => {
    expect(md).toContain('| `failed` | 1 | the write failed |');
    expect(md).toContain('| `partial` | 1 | only some of the operations succeeded |');
    expect(md).toContain('| `applied` | 2 | removed and verified |');
    expect(md).toContain('| `skipped-now-active` | 1 | skipped: the user is active again |');
    expect(md.indexOf('`failed`')).toBeLessThan(md.indexOf('`applied`'));
  });

  it('shows failures openly and the rest collapsed, and says where the audit is', () => {
    const failures = md.slice(md.indexOf('### Failures'), md.indexOf('<details>'));
    expect(failures).toContain(
      '| User 3 | user3@example.com | jira-software · acme.atlassian.net | `failed` | POST /v2/orgs/o/directories/d/groups/g/memberships/remove: 500 after 4 attempts |',
    );
    expect(failures).toContain('| User 4 |');
    expect(failures).not.toContain('| User 1 |');
    expect(md).toContain('<details><summary>Done (2)</summary>');
    expect(md).toContain('<details><summary>Skipped and left for others (2)</summary>');
    expect(md).toContain('`audit/2026/11/2026-11-30-a1b2c3d4-123-1.csv`');
  });

  it('says a dry run changed nothing', () => {
    const dry = renderApplyMarkdown(
      result([entry(1, 'dry-run'), entry(2, 'skipped-now-excluded')], true),
    );
    expect(dry.split('\n')[0]).toBe('## License policy dry run: plan `2026-11-30-a1b2c3d4`');
    expect(dry.split('\n')[2]).toBe(
      '**Dry run**: nothing was changed. 1 action would be applied, 1 skipped.',
    );
    expect(dry).not.toContain('[!WARNING]');
  });

  it('says when the apply was refused', () => {
    const refused = renderApplyMarkdown({
      planId: '2026-11-30-a1b2c3d4',
      outcomes: [],
      counts: { refused: 1 },
      dryRun: false,
    });
    expect(refused.split('\n')[2]).toBe('**Refused**: nothing was changed.');
  });

  it('redacts and escapes what Atlassian and the API sent', () => {
    const hostile = entry(9, 'failed', 'user <b>@octocat</b> | x@example.com');
    hostile.name = '@octocat | <img>';
    const out = renderApplyMarkdown(result([hostile]), { redact: 'emails' });
    expect(out).not.toContain('user9@example.com');
    expect(out).not.toContain('x@example.com');
    expect(out).toContain('| @\u200Boctocat &#124; &lt;img&gt; | `acc-9` |');
    const all = renderApplyMarkdown(result([hostile]), { redact: 'all' });
    expect(all).not.toContain('octocat &#124;');
    expect(all).toContain('| `acc-9` | jira-software · acme.atlassian.net | `failed` |');
  });

  it('fits thousands of outcomes into a comment, failures first', () => {
    const many = [
      ...Array.from({ length: 50 }, (_, i) => entry(i, 'failed', 'x'.repeat(100))),
      ...Array.from({ length: 5000 }, (_, i) =>
        entry(1000 + i, 'applied', 'seat gone after re-read'),
      ),
    ];
    const out = renderApplyMarkdown(result(many), { redact: 'none', maxLength: 65_536 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(65_536);
    for (let i = 0; i < 50; i++) expect(out).toContain(`| User ${i} |`);
    expect(out).toMatch(
      /_Showing [\d,]+ of 5,000 done rows; [\d,]+ left out to fit the size limit\. The full list is in the audit CSV artifact\._/,
    );
  });
});
