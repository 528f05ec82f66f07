import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { renderStarterPolicy, type RenderOptions } from '../../../src/init/render.js';
import { checkStarterPolicy } from '../../../src/init/self-check.js';
import type { OrgSurvey } from '../../../src/init/survey.js';
import { parsePolicyFiles } from '../../../src/policy/parse.js';
import type { Policy } from '../../../src/policy/types.js';
import { CONF, exampleSurvey, group, JIRA, JIRA_SBX, resource } from './survey-fixture.js';

const OPTIONS: RenderOptions = {
  generatedOn: '2026-11-30',
  schemaRef: '../schema/policy.schema.json',
};
const FILE = 'policies/license-policy.yml';

function parse(text: string): Policy {
  return parsePolicyFiles([{ path: FILE, content: new TextEncoder().encode(text) }]);
}

/** Renders, and checks the result the way validate and plan will (throws if either fails). */
function renderChecked(survey: OrgSurvey): { text: string; policy: Policy } {
  const text = renderStarterPolicy(survey, OPTIONS);
  return { text, policy: checkStarterPolicy(text, FILE, survey) };
}

describe('the starter policy for a small hand-built organisation', () => {
  it('is exactly the reviewed text', () => {
    const golden = readFileSync(
      new URL('./fixtures/example-org.policy.yml', import.meta.url),
      'utf8',
    );
    expect(renderStarterPolicy(exampleSurvey(), OPTIONS)).toBe(golden);
  });

  it('validates, and holds one cautious rule per product with seats on an online site', () => {
    const { policy } = renderChecked(exampleSurvey());
    expect(
      policy.rules.map((r) => ({
        ...r,
        source: undefined,
        productSource: undefined,
        siteSources: undefined,
      })),
    ).toEqual([
      {
        id: 'confluence-inactive-90d',
        description: 'Remove Confluence from people who have not used it for 90 days',
        product: 'confluence',
        sites: ['example.atlassian.net'],
        inactiveDays: 90,
        neverActive: { include: true, graceDays: 90 },
        noticeDays: 14,
        allowCollateral: false,
        action: 'remove-product-access',
        countApiTokenUse: true,
        source: undefined,
        productSource: undefined,
        siteSources: undefined,
      },
      {
        id: 'jira-software-inactive-90d',
        description: 'Remove Jira from people who have not used it for 90 days',
        product: 'jira-software',
        sites: ['example.atlassian.net'],
        inactiveDays: 90,
        neverActive: { include: true, graceDays: 90 },
        noticeDays: 14,
        allowCollateral: false,
        action: 'remove-product-access',
        countApiTokenUse: true,
        source: undefined,
        productSource: undefined,
        siteSources: undefined,
      },
    ]);
    expect(policy.exclude).toMatchObject({
      admins: true,
      serviceAccounts: true,
      accounts: [],
      groups: [],
      emailDomains: [],
    });
    expect(policy.limits).toEqual({
      maxRemovals: 50,
      maxRemovalsPercent: 5,
      planTtlHours: 72,
      activityLagHours: 24,
      minActivityCoverage: 50,
    });
    expect(policy.products).toEqual({});
  });

  it('turns into a valid products block when the commented prices are uncommented', () => {
    const text = renderStarterPolicy(exampleSurvey(), OPTIONS).replace(
      /^# (currency:|products:| {2}[a-z-]+: \{ monthly)/gm,
      '$1',
    );
    expect(Object.keys(parse(text).products)).toEqual([
      'confluence',
      'jira-servicedesk',
      'jira-software',
    ]);
  });
});

describe('the starter policy for unusual organisations', () => {
  it('has no rules, and still validates, when the key sees no workspace', () => {
    const survey: OrgSurvey = {
      ...exampleSurvey(),
      resources: [],
      groups: [],
      nonSeatGroupsByProduct: {},
    };
    const { text, policy } = renderChecked(survey);
    expect(policy.rules).toEqual([]);
    expect(text).not.toMatch(/^rules:/m);
    expect(text).toContain('# No products were found');
  });

  it('writes no rule for a product whose seats are all on sandbox or offline sites, and says why', () => {
    const survey = exampleSurvey();
    survey.resources = [
      resource(JIRA_SBX, 'example-sandbox.atlassian.net', 3, { sandbox: true }),
      resource(JIRA, 'example.atlassian.net', 7, { status: 'offline' }),
    ];
    const { text, policy } = renderChecked(survey);
    expect(policy.rules).toEqual([]);
    expect(text).toContain(
      '# - Jira (jira-software): seats only on sites left alone (example-sandbox.atlassian.net (sandbox),\n' +
        '#   example.atlassian.net (offline)); to govern one, add a rule that names it under `sites`.',
    );
  });

  it('leaves out `sites` when a site has no host name, so the rule still matches the org', () => {
    const survey = exampleSurvey();
    survey.resources = [resource(JIRA, JIRA, 12)]; // no hostUrl: the site is the workspace id
    survey.groups = [];
    const { text, policy } = renderChecked(survey);
    expect(policy.rules.map((r) => [r.product, r.sites])).toEqual([['jira-software', undefined]]);
    expect(text).toContain('No `sites`: some site has no host name');
    expect(text).toContain('# No group grants it: every seat is a direct grant');
  });

  it('writes no rule for a product key a rule cannot name', () => {
    const survey = exampleSurvey();
    survey.resources = [
      resource('ari:cloud:Confluence.OnDemand::site/x', 'example.atlassian.net', 5),
    ];
    const { text, policy } = renderChecked(survey);
    expect(policy.rules).toEqual([]);
    expect(text).toContain('its product key is not a lower-case kebab-case name');
    expect(text).not.toContain('Confluence.OnDemand: { monthlyCostPerUser');
  });

  it('keeps rule ids within 64 characters for long product keys', () => {
    const product = 'a-very-long-product-key-that-atlassian-might-add-one-day-for-some-app';
    const survey = exampleSurvey();
    survey.resources = [resource(`ari:cloud:${product}::site/x`, 'example.atlassian.net', 5)];
    survey.groups = [];
    const { policy } = renderChecked(survey);
    expect(policy.rules.map((r) => r.id)).toEqual([
      'a-very-long-product-key-that-atlassian-might-add-inactive-90d',
    ]);
    expect(policy.rules[0]?.id.length).toBeLessThanOrEqual(64);
  });

  it('keeps names from the organisation inside comments, whatever characters they hold', () => {
    const survey = exampleSurvey();
    survey.orgName = 'Evil\nrules: []\n';
    survey.groups = [
      group('x\nlimits:\n  maxRemovals: 100000\r\n#', [[JIRA, ['atlassian/user']]], { members: 1 }),
    ];
    survey.warnings = ['line one\nexclude: { admins: false }'];
    const { text, policy } = renderChecked(survey);
    expect(policy.rules.map((r) => r.id)).toEqual([
      'confluence-inactive-90d',
      'jira-software-inactive-90d',
    ]);
    expect(policy.limits.maxRemovals).toBe(50);
    expect(policy.exclude.admins).toBe(true);
    expect(text).toContain('#   x limits: maxRemovals: 100000 #');
  });

  it('names the directory of each group when the organisation has several', () => {
    const survey = exampleSurvey();
    survey.directories = [...survey.directories, { id: 'dir-2', name: 'Contractors' }];
    survey.groups = [
      group('contractors', [[CONF, ['atlassian/user']]], { directoryId: 'dir-2', members: 2 }),
    ];
    const { text } = renderChecked(survey);
    expect(text).toContain(
      '  # Groups that grant it (name, site: roles, members, directory, flags):\n',
    );
    expect(text).toContain(
      '  #   contractors  example.atlassian.net: user  2 members  Contractors\n',
    );
  });

  it('explains the settings once, on the first rule, and points the others at it', () => {
    const { text } = renderChecked(exampleSurvey());
    expect(text.match(/People who hold the licence but never used it/g)?.length).toBe(1);
    expect(text.match(/The same cautious settings as the first rule/g)?.length).toBe(1);
  });
});
