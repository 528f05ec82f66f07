/** The pure evaluation engine (SPEC §3): what others call. */
export { checkPolicyAgainstOrg, assertPolicyMatchesOrg } from './org-check.js';
export {
  findCandidates,
  evaluate,
  type CandidateReads,
  type EvaluateInput,
  type Evaluation,
} from './evaluate.js';
export { actionId } from './plan-body.js';
/** For previews without reads: the roles `findCandidates` predicts for an unread account. */
export { predictRoles } from './access-path.js';
export { buildContext, type EvaluationContext } from './context.js';
export {
  resourcesOfRule,
  selectGovernedResources,
  snapshotRequest,
  type SnapshotRequest,
} from './governed.js';
