/** Names the action gives things on GitHub, in one place. */

/** The artifact each plan run uploads with the snapshot it evaluated, for PR previews. */
export const SNAPSHOT_ARTIFACT = 'license-policy-snapshot';
/** The file inside the snapshot artifact. */
export const SNAPSHOT_FILE = 'snapshot.ndjson';
/** The state file on the state branch. */
export const STATE_FILE = 'state.json';
/** Labels on the plan PR. */
export const PLAN_LABEL = 'license-policy';
export const BLOCKED_LABEL = 'license-policy:blocked';
/** Added to restore PRs (SPEC §9), next to `PLAN_LABEL`. */
export const RESTORE_LABEL = 'license-policy:restore';
