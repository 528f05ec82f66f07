/**
 * Before a starter policy is written, it is checked the way `validate` and `plan` will check
 * it: parsed and schema-checked by the policy loader, and checked against the organisation it
 * was written from (product keys and sites). A failure here is a bug in init, never the user's
 * fault, so it is a runtime error that writes nothing.
 */
import { checkPolicyAgainstOrg } from '../engine/index.js';
import { formatProblem, PolicyError } from '../errors.js';
import { parsePolicyFiles } from '../policy/parse.js';
import type { Policy } from '../policy/types.js';
import type { Snapshot } from '../snapshot/types.js';
import type { OrgSurvey } from './survey.js';

/** The parts of a snapshot the org-dependent policy checks read, built from the survey. */
export function surveySnapshot(survey: OrgSurvey, fetchedAt: string): Snapshot {
  return {
    schemaVersion: 1,
    orgId: survey.orgId,
    fetchedAt,
    directories: survey.directories,
    resources: survey.resources.map(
      ({ seats: _seats, nonHumanHolders: _nonHuman, ...resource }) => ({
        ...resource,
        governed: false,
      }),
    ),
    groups: [],
    users: [],
    adminAccountIds: [],
    serviceAccountIds: [],
    userRoles: new Map(),
    apiTokenLastUsed: new Map(),
    warnings: [],
  };
}

/** Parses the rendered policy and checks it against the surveyed org; throws when either fails. */
export function checkStarterPolicy(text: string, displayPath: string, survey: OrgSurvey): Policy {
  let policy: Policy;
  try {
    policy = parsePolicyFiles([{ path: displayPath, content: new TextEncoder().encode(text) }]);
  } catch (e: unknown) {
    if (e instanceof PolicyError) {
      throw new Error(`init wrote a policy that does not validate (a bug):\n${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
  const problems = checkPolicyAgainstOrg(policy, surveySnapshot(survey, new Date(0).toISOString()));
  if (problems.length > 0) {
    throw new Error(
      `init wrote a policy that does not match the organisation (a bug):\n` +
        problems.map(formatProblem).join('\n'),
    );
  }
  return policy;
}
