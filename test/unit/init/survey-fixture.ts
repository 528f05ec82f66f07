/** Hand-built surveys for the rendering tests: no network, every case spelled out. */
import type { OrgSurvey, SurveyGroup, SurveyResource } from '../../../src/init/survey.js';

export const DIR = 'dddddddd-0000-4000-8000-000000000001';
export const SITE = 'ssssssss-0000-4000-8000-000000000001';
export const JIRA = `ari:cloud:jira-software::site/${SITE}`;
export const CONF = `ari:cloud:confluence::site/${SITE}`;
export const JSM = `ari:cloud:jira-servicedesk::site/${SITE}`;
export const JIRA_SBX = 'ari:cloud:jira-software::site/ssssssss-0000-4000-8000-000000000002';

export function resource(
  id: string,
  site: string,
  seats: number,
  extra: Partial<SurveyResource> = {},
): SurveyResource {
  const [, product = '', siteId = ''] = /^ari:cloud:([^:]+)::site\/(.+)$/.exec(id) ?? [];
  return {
    id,
    product,
    site,
    siteId,
    name: `${product} (${site})`,
    status: 'online',
    sandbox: false,
    capacity: null,
    seats,
    nonHumanHolders: 0,
    ...extra,
  };
}

let nextGroup = 0;
export function group(
  name: string,
  grants: Array<[string, string[]]>,
  extra: Partial<SurveyGroup> = {},
): SurveyGroup {
  nextGroup += 1;
  return {
    id: `gggggggg-0000-4000-8000-${String(nextGroup).padStart(12, '0')}`,
    directoryId: DIR,
    name,
    idpSynced: false,
    locked: false,
    members: null,
    grants: grants.map(([resourceId, roles]) => ({ resourceId, roles })),
    ...extra,
  };
}

/** Jira on a site and its sandbox, Confluence, and JSM without seats. */
export function exampleSurvey(): OrgSurvey {
  return {
    orgId: 'org-0001',
    orgName: 'Example Ltd',
    directories: [{ id: DIR, name: 'Example Ltd' }],
    resources: [
      resource(CONF, 'example.atlassian.net', 40, { capacity: 50 }),
      resource(JSM, 'example.atlassian.net', 0, { capacity: 10 }),
      resource(JIRA_SBX, 'example-sandbox.atlassian.net', 3, { sandbox: true }),
      resource(JIRA, 'example.atlassian.net', 1234, { capacity: 1500, nonHumanHolders: 2 }),
    ],
    groups: [
      group('confluence-users', [[CONF, ['atlassian/user']]], { members: 31 }),
      group('jira-administrators', [[JIRA, ['atlassian/admin', 'atlassian/user']]], {
        members: 4,
      }),
      group('jira-legacy-access', [[JIRA, ['atlassian/user']]], { members: 12, locked: true }),
      group('jira-software-users', [[JIRA, ['atlassian/user']]], { members: 1002 }),
      group('okta-jira', [[JIRA, ['atlassian/user']]], {
        members: 200,
        idpSynced: true,
        locked: true,
      }),
      group(
        'product-team',
        [
          [CONF, ['atlassian/user']],
          [JIRA, ['atlassian/user']],
        ],
        { members: 9 },
      ),
      group('sandbox-jira', [[JIRA_SBX, ['atlassian/user']]], { members: 3 }),
    ],
    nonSeatGroupsByProduct: { confluence: 1 },
    admins: {
      total: 5,
      orgAdmins: 1,
      siteAdmins: 1,
      userAccessAdmins: 0,
      productAdminsOnly: 3,
      licensed: 4,
    },
    serviceAccounts: { listed: 2, withAccess: 1, appAccountsWithAccess: 1 },
    warnings: [],
  };
}
