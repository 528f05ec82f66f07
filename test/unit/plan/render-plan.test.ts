import { describe, expect, it } from '@jest/globals';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import {
  JOB_SUMMARY_LIMIT,
  PR_BODY_LIMIT,
  renderPlanMarkdown,
  renderPrTitle,
} from '../../../src/plan/render-plan.js';
import type { Plan, PlanBody } from '../../../src/plan/types.js';
import { JIRA, action, samplePlanBody } from './sample-plan.js';

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The rows of the table that follows `headerStart`, as arrays of raw cells. */
function tableAfter(markdown: string, headerStart: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(headerStart));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(
      lines[i]
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** Every table row has as many cells as its header. */
function expectWellFormedTables(markdown: string): void {
  const lines = markdown.split('\n');
  let columns = -1;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = -1;
      continue;
    }
    expect(line.endsWith('|')).toBe(true);
    const cells = line.split('|').length - 2;
    if (columns === -1) columns = cells;
    else
      expect({ line: line.slice(0, 120), cells }).toEqual({
        line: line.slice(0, 120),
        cells: columns,
      });
  }
}

function hostileBody(): PlanBody {
  const body = samplePlanBody();
  const hostile = [
    '| a | b |',
    '<img src=x onerror=alert(1)>',
    '<script>alert("x")</script>',
    '</details></summary><details open>',
    '**bold** _it_ [link](https://evil.example/login) ![i](x)',
    '@octocat',
    '@acme/admins',
    'fixes #123 and acme/repo#7 GH-9',
    'n'.repeat(10_000),
    '\u202Egnp.exe',
    'ad\u200Bmin\uFEFF',
    '=HYPERLINK("http://evil.example")',
    'line1\nline2\r\n# heading',
    '```\ncode fence',
    '$x^2$ math',
    'www.evil.example',
    '- list',
  ];
  body.actions = hostile.map((text, i) =>
    action({
      id: `act-${String(i).padStart(16, '0')}`,
      accountId: `acc-${i}`,
      name: text,
      email: `${text}@evil.example`,
      groups: [text, 'ok-group'],
      notes: [text],
      reason: text,
      ruleIds: [i % 2 === 0 ? 'jira-inactive-30d' : 'rule-two'],
      status: i % 3 === 0 ? 'needs-idp-change' : 'planned',
      operations: [
        {
          type: 'remove-group-membership',
          directoryId: 'd',
          groupId: `g-${i}`,
          groupName: text,
          ...(i % 3 === 0 ? { blockedBy: 'idp-synced' as const } : {}),
        },
      ],
    }),
  );
  body.protected = hostile.map((text, i) => ({
    ...body.protected[0],
    accountId: `p-${i}`,
    name: text,
    email: text,
    reason: text,
    exclusion: text,
  }));
  body.upcoming = hostile.map((text, i) => ({
    ...body.upcoming[0],
    accountId: `u-${i}`,
    name: text,
  }));
  body.activityUnknown = hostile.map((text, i) => ({
    ...body.activityUnknown[0],
    accountId: `a-${i}`,
    name: text,
    reason: text,
  }));
  body.warnings = hostile.map((text) => ({ code: 'exclusion-unused', message: text }));
  body.summary[0].site = hostile[0]!;
  body.summary[1].product = '"]\n```\n<b>';
  body.blocked = [
    {
      code: 'max-removals',
      message: hostile[1],
      limit: 1,
      actual: 17,
      overridable: true,
      product: hostile[5],
    },
  ];
  return body;
}

describe('rendering a representative plan', () => {
  const plan = finalizePlan(samplePlanBody());
  const md = renderPlanMarkdown(plan, { redact: 'none' });

  it('starts with the title and a one-line verdict with the savings estimate', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe(`## License policy plan \`${plan.planId}\``);
    expect(lines[2]).toBe(
      '**Removes 3 licences** across 2 product sites, saving an estimated \\$23.25/month at list price.',
    );
  });

  it('has a row per product and site, a total, and labels savings as a list-price estimate', () => {
    const rows = tableAfter(md, '| Product | Site |');
    expect(rows[0]).toEqual([
      'Product',
      'Site',
      'Licensed',
      'To remove',
      'After',
      'Licence tier',
      'Monthly savings*',
      'Yearly savings*',
    ]);
    expect(rows.slice(2)).toEqual([
      ['jira-software', 'acme.atlassian.net', '200', '2', '198', '250', '\\$17.20', '\\$206.40'],
      ['confluence', 'acme.atlassian.net', '150', '1', '149', '—', '\\$6.05', '\\$72.60'],
      ['**Total**', '', '**350**', '**3**', '**347**', '', '**\\$23.25**', '**\\$279.00**'],
    ]);
    expect(md).toContain('Savings are realised at the next renewal or licence-tier change');
  });

  it('draws the seats before and after as a Mermaid xychart', () => {
    const chart = /```mermaid\n([\s\S]*?)```/.exec(md)![1];
    expect(chart.split('\n')).toEqual([
      'xychart-beta',
      '  title "Licensed seats now and after this plan"',
      '  x-axis ["jira-software acme", "confluence acme"]',
      '  y-axis "Seats" 0 --> 200',
      '  bar [200, 150]',
      '  bar [198, 149]',
      '',
    ]);
  });

  it('lists users per rule in collapsible tables with their details and status', () => {
    expect(md).toContain(
      '<details><summary><b>jira-inactive-30d</b> (jira-software): 4 users — 2 planned, 1 needs IdP change, 1 skipped (collateral)</summary>',
    );
    const rows = tableAfter(md, '| Name | Email | Product · site | Last active |');
    expect(rows[2]).toEqual([
      'Ada Lovelace',
      'ada@example.com',
      'jira-software · acme.atlassian.net',
      '2026-09-01',
      '90',
      '2025-01-10',
      'jira-users, everyone',
      'planned',
    ]);
    expect(rows[3][3]).toBe('never');
    expect(md).toContain('| Alan Turing | alan@example.com |');
    expect(md).toContain('planned; also `confluence-inactive-60d`');
  });

  it('gives the IdP team a list by group, and lists collateral, unknown activity, protected and upcoming', () => {
    expect(md).toContain(
      '- okta-jira (`e0e0e0e0-0000-0000-0000-000000000003`): 1 user, remove in the identity provider',
    );
    expect(tableAfter(md, '| Group |')[2].slice(0, 3)).toEqual([
      'okta-jira',
      'Edsger Dijkstra',
      'edsger@example.com',
    ]);
    expect(md).toContain('### Skipped: the group grants more than the rules ask');
    expect(md).toContain('| Ken Thompson | ken@example.com |');
    expect(md).toContain('- Executive (account): 1 match');
    expect(tableAfter(md, '| Name | Email | Product · site | Rule | Eligible on |')[2]).toEqual([
      'Dennis Ritchie',
      'dennis@example.com',
      'jira-software · acme.atlassian.net',
      '`jira-inactive-30d`',
      '2026-12-04',
      '2026-11-03',
    ]);
  });

  it('warns about unreachable targets and unused exclusions, and ends with the plan identity', () => {
    expect(md).toContain(
      '- **Target not reachable** on confluence · acme.atlassian.net: 9 seats above the `keepAtMost` target after this plan.',
    );
    expect(md).toContain('- `exclusion-unused`: exclusion group "contractors-old" matches nobody');
    const last = md.trimEnd().split('\n').pop()!;
    expect(last).toContain(`Plan \`${plan.planId}\``);
    expect(last).toContain(`digest \`${plan.digest}\``);
    expect(last).toContain('policy commit `0123456789abcdef0123456789abcdef01234567`');
  });

  it('is well formed and stable', () => {
    expectWellFormedTables(md);
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
    expect(renderPlanMarkdown(plan, { redact: 'none' })).toBe(md);
    expect(md).toMatchSnapshot();
  });
});

describe('verdicts and titles', () => {
  it('says nothing to remove', () => {
    const body = samplePlanBody();
    body.actions = [];
    body.summary = body.summary.map((s) => ({
      ...s,
      toRemove: 0,
      after: s.licensed,
      monthlySavings: 0,
      yearlySavings: 0,
    }));
    const plan = finalizePlan(body);
    expect(renderPlanMarkdown(plan, { redact: 'none' }).split('\n')[2]).toBe(
      '**Nothing to remove.**',
    );
    expect(renderPrTitle(plan)).toBe('License policy plan 2026-11-30: nothing to remove');
  });

  it('puts the headline numbers in the PR title', () => {
    const body = samplePlanBody();
    body.summary[0].toRemove = 411;
    body.summary[0].monthlySavings = 3102.35;
    body.summary[0].yearlySavings = 37228.2;
    expect(renderPrTitle(finalizePlan(body))).toBe(
      'License policy plan 2026-11-30: remove 412 licences, est. $3,108/month ($37,301/year) at list price',
    );
  });

  it('says Blocked with the numbers, and whether it can be overridden', () => {
    const body = samplePlanBody();
    body.blocked = [
      {
        code: 'max-removals',
        message: '612 removals exceed maxRemovals',
        limit: 500,
        actual: 612,
        overridable: true,
      },
      {
        code: 'activity-data-missing',
        message: 'only 12% of licensed users have activity data',
        product: 'confluence',
        site: 'beta.atlassian.net',
        limit: 50,
        actual: 12,
        overridable: false,
        unmatchedActivity: [
          { id: 'ari:cloud:confluence::site/zzz', key: 'confluence', users: 140 },
        ],
      },
    ];
    const plan = finalizePlan(body);
    const md = renderPlanMarkdown(plan, { redact: 'none' });
    expect(md.split('\n')[2]).toBe(
      '**Blocked** (`max-removals`, `activity-data-missing`): this plan would remove 3 licences across 2 product sites, saving an estimated \\$23.25/month at list price; apply refuses it, and this cannot be overridden.',
    );
    expect(md).toContain('(limit 500, actual 612; can be overridden');
    expect(md).toContain(
      '> - `activity-data-missing` on confluence / beta.atlassian.net: only 12% of licensed users have activity data (limit 50, actual 12; cannot be overridden)',
    );
    expect(md).toContain(
      'activity entry ari:cloud:confluence::site/zzz (key confluence) matched no governed resource: 140 users',
    );
    expect(renderPrTitle(plan)).toBe(
      'License policy plan 2026-11-30 (blocked): remove 3 licences, est. $23/month ($279/year) at list price',
    );
  });

  it('says when there is no price to estimate savings from, and names suspensions', () => {
    const body = samplePlanBody();
    body.summary = body.summary.map((s) => ({ ...s, monthlySavings: null, yearlySavings: null }));
    body.actions[0] = {
      ...body.actions[0],
      kind: 'suspend',
      operations: [{ type: 'suspend', directoryId: 'dir-0001' }],
      removes: [
        { product: 'jira-software', site: 'acme.atlassian.net', resourceId: JIRA },
        { product: 'confluence', site: 'acme.atlassian.net', resourceId: 'c' },
      ],
    };
    const plan = finalizePlan(body);
    const md = renderPlanMarkdown(plan, { redact: 'none' });
    expect(md.split('\n')[2]).toBe(
      '**Removes 3 licences** (1 account suspended) across 2 product sites (no price in the policy, so no savings estimate).',
    );
    expect(md).toContain(
      '**suspends the account** (removes jira-software acme.atlassian.net, confluence acme.atlassian.net); planned',
    );
    expect(renderPrTitle(plan)).toBe('License policy plan 2026-11-30: remove 3 licences');
  });

  it('describes a restore plan', () => {
    const body = samplePlanBody();
    body.kind = 'restore';
    body.restoreOf = {
      planId: '2026-11-28-abcdef01',
      planDigest: 'c'.repeat(64),
      auditFile: 'audit.csv',
    };
    body.actions = body.actions
      .filter((a) => a.status === 'planned')
      .map((a) => ({ ...a, kind: 'restore' as const }));
    const plan = finalizePlan(body);
    const md = renderPlanMarkdown(plan, { redact: 'none' });
    expect(md.split('\n')[0]).toBe(`## License policy restore plan \`${plan.planId}\``);
    expect(md.split('\n')[2]).toBe(
      '**Restores access for 3 users and products**, undoing plan `2026-11-28-abcdef01`.',
    );
    expect(renderPrTitle(plan)).toBe(
      'License policy restore plan 2026-11-30: restore 3 actions (undo 2026-11-28-abcdef01)',
    );
  });
});

describe('hostile text from Atlassian', () => {
  const plan = finalizePlan(hostileBody());
  const md = renderPlanMarkdown(plan, { redact: 'none', maxLength: JOB_SUMMARY_LIMIT });

  it('keeps every table row to its columns', () => {
    expectWellFormedTables(md);
  });

  it('injects no HTML: the only tags are our own', () => {
    const ours = /<\/?(details|summary|b|sub)>/g;
    const withoutChart = md.replace(/```mermaid[\s\S]*?```/, '');
    const withoutQuoteMarks = withoutChart.replace(/^>( |$)/gm, '');
    expect(withoutQuoteMarks.replace(ours, '')).not.toMatch(/[<>]/);
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
    expect(md).not.toContain('<details open>');
  });

  it('mentions nobody and references no issue, even after entities and escapes are decoded', () => {
    // GitHub looks for mentions and references in the rendered text, after decoding.
    const visible = md
      .replace(/\\(.)/g, '$1')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(visible).toContain('@\u200Boctocat');
    expect(visible).not.toMatch(/(^|[^A-Za-z0-9_])@[A-Za-z0-9]/m);
    expect(visible).not.toMatch(/#[0-9]/);
    expect(visible).not.toMatch(/GH-[0-9]/i);
    expect(visible).not.toMatch(/:\/\/|www\./i);
  });

  it('formats nothing, opens no code block and no math', () => {
    expect(md).not.toContain('**bold**');
    expect(md).not.toMatch(/(^|[^\\])\[link\]/);
    expect(md.match(/^```.*$/gm)).toEqual(['```mermaid', '```']);
    expect(md).not.toMatch(/(^|[^\\])\$/m);
    expect(md).not.toMatch(/^# heading/m);
  });

  it('hides nothing behind bidi or invisible characters and shortens long names', () => {
    expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\uFEFF]/);
    // Names and groups are cut at 200 characters, emails at 254 (the longest valid address).
    expect(md).toContain('| ' + 'n'.repeat(199) + '… |');
    expect(md).not.toContain('n'.repeat(501));
    expect(Math.max(...md.split('\n').map((l) => l.length))).toBeLessThan(4000);
  });

  it('keeps the Mermaid chart to safe labels', () => {
    const chart = /```mermaid\n([\s\S]*?)```/.exec(md)![1];
    expect(chart).toMatch(/x-axis \["jira-software _ a _ b _", "_+b_ acme"\]/);
    const labels = /x-axis \[(.*)\]/.exec(chart)![1];
    expect(labels).toMatch(/^"[A-Za-z0-9 ._/-]*"(, "[A-Za-z0-9 ._/-]*")*$/);
  });
});

describe('redaction', () => {
  const body = samplePlanBody();
  body.warnings.push({
    code: 'exclusion-unused',
    message: 'account exclusion ceo@example.com matches nobody',
  });
  body.actions[0].notes = ['Ada Lovelace asked to keep access, mail ada@example.com'];
  const plan = finalizePlan(body);
  const emails = [...JSON.stringify(plan).matchAll(/[\w.]+@example\.com/g)].map((m) => m[0]);
  const names = plan.actions.map((a) => a.name!);

  it('keeps names and emails with redact none', () => {
    const md = renderPlanMarkdown(plan, { redact: 'none' });
    for (const email of emails) expect(md).toContain(email);
  });

  it('removes every email with redact emails, keeping names and adding account ids', () => {
    const md = renderPlanMarkdown(plan, { redact: 'emails' });
    expect(emails.length).toBeGreaterThan(5);
    for (const email of emails) expect(md).not.toContain(email);
    expect(md).not.toMatch(/@example/);
    expect(md).toContain('| Ada Lovelace | `5b10ac8d82e05b22cc7d4e01` |');
    expect(md).toContain('account exclusion \\[email redacted\\] matches nobody');
  });

  it('removes names and emails with redact all', () => {
    const md = renderPlanMarkdown(plan, { redact: 'all' });
    for (const email of emails) expect(md).not.toContain(email);
    for (const name of [...names, 'Chief Executive', 'Ken Thompson', 'Dennis Ritchie']) {
      expect(md).not.toContain(name);
    }
    expect(tableAfter(md, '| Account | Product · site |')[2][0]).toBe('`5b10ac8d82e05b22cc7d4e01`');
    expect(md).toContain('\\[name redacted\\] asked to keep access');
  });
});

describe('size limits', () => {
  function bigPlan(actions: number): Plan {
    const body = samplePlanBody();
    body.actions = Array.from({ length: actions }, (_, i) =>
      action({
        id: `act-${i.toString(16).padStart(16, '0')}`,
        accountId: `5b10ac8d82e05b22cc${String(i).padStart(6, '0')}`,
        name: `User Number ${i}`,
        email: `user.number.${i}@example.com`,
        ruleIds: [i % 4 === 0 ? 'confluence-inactive-60d' : 'jira-inactive-30d'],
      }),
    );
    body.protected = Array.from({ length: 300 }, (_, i) => ({
      ...body.protected[0],
      accountId: `p-${i}`,
    }));
    body.summary[0].toRemove = actions;
    return finalizePlan(body);
  }

  let big: Plan | undefined;
  const bigPlan20k = (): Plan => (big ??= bigPlan(20_000));

  it('fits 20,000 actions into a PR body and says what it left out and where the rest is', () => {
    const plan = bigPlan20k();
    const md = renderPlanMarkdown(plan, {
      redact: 'none',
      fullPlanUrl: 'https://github.com/acme/licences/blob/license-policy/plan/plans/x.json',
    });
    expect(utf8(md)).toBeLessThanOrEqual(PR_BODY_LIMIT);
    expect(utf8(md)).toBeGreaterThan(PR_BODY_LIMIT - 4000);
    expectWellFormedTables(md);
    const notice =
      /> To fit GitHub's size limit \(65,536 characters\), this text leaves out ([\d,]+) of ([\d,]+) detail rows/.exec(
        md,
      )!;
    expect(notice).not.toBeNull();
    const omitted = Number(notice[1].replace(/,/g, ''));
    const total = Number(notice[2].replace(/,/g, ''));
    // 20,000 actions, 300 protected, 1 upcoming, 1 with unknown activity.
    expect(total).toBe(20_302);
    // Every row is either shown or counted as left out, and the notes add up to the notice.
    const lines = md.split('\n');
    const tables = lines.filter((l) => /^\| (---|--:) /.test(l)).length;
    const summaryRows = 3;
    const shownRows = lines.filter((l) => l.startsWith('|')).length - 2 * tables - summaryRows;
    expect(shownRows + omitted).toBe(total);
    const noted = [
      ...md.matchAll(/_Showing [\d,]+ of [\d,]+ .*?; ([\d,]+) left out|_All ([\d,]+) /g),
    ]
      .map((m) => Number((m[1] ?? m[2]).replace(/,/g, '')))
      .reduce((a, b) => a + b, 0);
    expect(noted).toBe(omitted);
    // The small tables are kept whole.
    expect(md).toContain('| Dennis Ritchie |');
    expect(md).toContain('| Ken Thompson |');
    // The largest table is cut first: the small protected table keeps more of its rows.
    expect(md).toMatch(
      /_Showing [\d,]+ of 15,000 users of rule `jira-inactive-30d`; [\d,]+ left out to fit the size limit\. The full list is in `plans\/2026-11-30-[0-9a-f]{8}\.json` \(\[full plan\]\(https:\/\/github\.com\/acme\/licences\/blob\/license-policy\/plan\/plans\/x\.json\)\)\._/,
    );
    expect(md).toContain('of 5,000 users of rule `confluence-inactive-60d`');
    expect(md.trimEnd().split('\n').pop()).toContain(plan.digest);
  });

  it('uses the room of a job summary when given it', () => {
    const plan = bigPlan20k();
    const md = renderPlanMarkdown(plan, {
      redact: 'none',
      maxLength: JOB_SUMMARY_LIMIT,
      planPath: 'out/plan.json',
    });
    expect(utf8(md)).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
    expect(utf8(md)).toBeGreaterThan(JOB_SUMMARY_LIMIT - 5000);
    expect(md).toContain('The full list is in `out/plan.json`');
  });

  it('leaves nothing out when everything fits', () => {
    const md = renderPlanMarkdown(bigPlan(50), { redact: 'none' });
    expect(md).not.toContain('left out');
    expect(md.split('\n').filter((l) => / planned \|$/.test(l))).toHaveLength(50);
  });

  it('stays within even a tiny limit', () => {
    const plan = bigPlan(500);
    for (const limit of [300, 2000, 10_000]) {
      const md = renderPlanMarkdown(plan, { redact: 'none', maxLength: limit });
      expect(utf8(md)).toBeLessThanOrEqual(limit);
      expect(md).toContain('to fit the size limit');
    }
  });
});
