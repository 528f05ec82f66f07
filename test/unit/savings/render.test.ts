/**
 * Savings finance can use (issue 8, item 4): monthly and yearly list-price estimates per product
 * and site in the plan's table, the PR title, the job summary text and the `monthly-savings`
 * output, labelled as estimates realised at renewal; seats after the plan against the licence
 * tier Atlassian reports, saying only what that data supports.
 */
import { describe, expect, it } from '@jest/globals';
import { monthlySavingsOf } from '../../../src/action/plan.js';
import { emptyOutputs, outputValues } from '../../../src/action/outputs.js';
import { finalizePlan } from '../../../src/plan/plan-file.js';
import { renderPlanMarkdown, renderPrTitle } from '../../../src/plan/render-plan.js';
import type { PlanBody, ProductSiteSummary } from '../../../src/plan/types.js';

function row(overrides: Partial<ProductSiteSummary>): ProductSiteSummary {
  return {
    product: 'jira-software',
    site: 'acme.atlassian.net',
    resourceId: 'ari:cloud:jira-software::site/acme',
    licensed: 5000,
    toRemove: 520,
    after: 4480,
    monthlySavings: 4472,
    yearlySavings: 53664,
    capacity: 5000,
    activityCoverage: 98.5,
    ...overrides,
  };
}

function body(summary: ProductSiteSummary[], currency = 'USD'): PlanBody {
  return {
    schemaVersion: 1,
    kind: 'removal',
    createdAt: '2026-11-30T06:00:00.000Z',
    expiresAt: '2026-12-03T06:00:00.000Z',
    org: { id: 'org-1' },
    policy: { commit: null, digest: 'a'.repeat(64), files: ['policies/policy.yml'] },
    snapshot: {
      fetchedAt: '2026-11-30T06:00:00.000Z',
      counts: { resources: 2, groups: 2, users: 6000, licensedSeats: 5000 },
    },
    currency,
    summary,
    actions: [],
    protected: [],
    activityUnknown: [],
    upcoming: [],
    warnings: [],
    blocked: [],
  };
}

const confluence = row({
  product: 'confluence',
  resourceId: 'ari:cloud:confluence::site/acme',
  licensed: 3000,
  toRemove: 100,
  after: 2900,
  monthlySavings: 605,
  yearlySavings: 7260,
  capacity: null,
});

describe('savings in the PR title', () => {
  it('gives the monthly and yearly totals, as a list-price estimate', () => {
    const plan = finalizePlan(body([row({}), confluence]));
    expect(renderPrTitle(plan)).toBe(
      'License policy plan 2026-11-30: remove 620 licences, est. $5,077/month ($60,924/year) at list price',
    );
  });

  it('says nothing about money when the policy prices no product', () => {
    const plan = finalizePlan(
      body([
        row({ monthlySavings: null, yearlySavings: null }),
        { ...confluence, monthlySavings: null, yearlySavings: null },
      ]),
    );
    expect(renderPrTitle(plan)).toBe('License policy plan 2026-11-30: remove 620 licences');
  });

  it('uses the policy currency', () => {
    const plan = finalizePlan(body([row({ monthlySavings: 100.5, yearlySavings: 1206 })], 'EUR'));
    expect(renderPrTitle(plan)).toBe(
      'License policy plan 2026-11-30: remove 520 licences, est. €101/month (€1,206/year) at list price',
    );
  });
});

describe('savings in the plan Markdown (PR body and job summary)', () => {
  const md = renderPlanMarkdown(finalizePlan(body([row({}), confluence])), { redact: 'none' });

  it('has monthly and yearly savings per product and site, with a total', () => {
    expect(md).toContain(
      '| jira-software | acme.atlassian.net | 5,000 | 520 | 4,480 | 5,000 | \\$4,472.00 | \\$53,664.00 |',
    );
    expect(md).toContain(
      '| confluence | acme.atlassian.net | 3,000 | 100 | 2,900 | — | \\$605.00 | \\$7,260.00 |',
    );
    expect(md).toContain(
      '| **Total** |   | **8,000** | **620** | **7,380** |   | **\\$5,077.00** | **\\$60,924.00** |',
    );
  });

  it('labels them as list-price estimates realised at renewal', () => {
    expect(md).toContain('| Monthly savings* | Yearly savings* |');
    expect(md).toContain(
      '\\* Estimated at list price (the policy’s `monthlyCostPerUser` × licences removed). Savings are realised at the next renewal or licence-tier change, not immediately.',
    );
    expect(md).toContain('saving an estimated \\$5,077.00/month at list price');
  });
});

describe('seats after the plan against the licence tier', () => {
  const tiers = (summary: ProductSiteSummary[]) =>
    renderPlanMarkdown(finalizePlan(body(summary)), { redact: 'none' });

  it('shows the seats after the plan against the reported tier, and the headroom', () => {
    const md = tiers([row({}), confluence]);
    expect(md).toContain(
      '- jira-software · acme.atlassian.net: after this plan 4,480 of the 5,000-seat licence tier: 520 seats of headroom, 520 of them freed by this plan.',
    );
    // Confluence reports no tier: nothing is said about it.
    expect(md).not.toMatch(/- confluence · acme\.atlassian\.net: after this plan/);
    // The tiers below the current one are not known: no claim that a smaller tier fits.
    expect(md).toContain(
      'Atlassian reports the current tier, not the tiers below it: if the seats after this plan fit a smaller tier of your subscription, it can be chosen at the next renewal.',
    );
  });

  it('says when the seats stay above the tier', () => {
    const md = tiers([row({ licensed: 5100, toRemove: 50, after: 5050 })]);
    expect(md).toContain(
      '- jira-software · acme.atlassian.net: 5,050 seats after this plan, 50 seats above the 5,000-seat licence tier.',
    );
  });

  it('a site with headroom and nothing to remove still shows its headroom', () => {
    const md = tiers([
      row({ licensed: 4000, toRemove: 0, after: 4000, monthlySavings: 0, yearlySavings: 0 }),
    ]);
    expect(md).toContain(
      'after this plan 4,000 of the 5,000-seat licence tier: 1,000 seats of headroom.',
    );
  });

  it('says nothing about tiers when Atlassian reports none (null, or its placeholder 0)', () => {
    for (const capacity of [null, 0]) {
      const md = tiers([row({ capacity })]);
      expect(md).not.toContain('licence tier**');
      expect(md).not.toContain('of headroom');
    }
  });
});

describe('the monthly-savings output', () => {
  it('is the sum over product sites with removals, to the cent, as the output text', () => {
    const plan = finalizePlan(
      body([
        row({ monthlySavings: 4472.4 }),
        confluence,
        row({
          site: 'beta.atlassian.net',
          toRemove: 0,
          after: 5000,
          monthlySavings: 0,
          yearlySavings: 0,
        }),
      ]),
    );
    const monthly = monthlySavingsOf(plan);
    expect(monthly).toBe(5077.4);
    expect(
      outputValues({ ...emptyOutputs('plan'), monthlySavings: monthly })['monthly-savings'],
    ).toBe('5077.40');
  });

  it('is empty when no product is priced', () => {
    const plan = finalizePlan(body([row({ monthlySavings: null, yearlySavings: null })]));
    expect(monthlySavingsOf(plan)).toBeNull();
    expect(outputValues({ ...emptyOutputs('plan'), monthlySavings: null })['monthly-savings']).toBe(
      '',
    );
  });
});
