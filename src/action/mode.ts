/**
 * Which mode runs (SPEC §7, §9), from the `mode` input and the event. Pure, so that the one rule
 * that matters most is easy to see and to test: a pull-request run never plans, applies or
 * restores, whatever its inputs say. A restore PR is opened only on `workflow_dispatch` with
 * `restore-plan-id`, in `mode` `auto` or `plan`: a person asks for it, by hand.
 */
import { InputError } from '../errors.js';
import type { Mode } from '../inputs.js';

export type RunMode = 'validate' | 'plan' | 'apply' | 'restore';

export interface ResolvedMode {
  mode: RunMode;
  /** One sentence for the log and the summary: why this mode. */
  reason: string;
  /** Set when the inputs asked for something this event may not do. */
  overridden?: string;
}

/** Events whose runs carry code or data from a pull request: validation only. */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_target',
]);

export function resolveMode(
  requested: Mode,
  eventName: string,
  planFile: string | null,
  restorePlanId: string | null = null,
): ResolvedMode {
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const ignored =
      requested === 'plan' || requested === 'apply'
        ? `mode "${requested}"`
        : planFile !== null
          ? `plan-file "${planFile}"`
          : restorePlanId !== null
            ? `restore-plan-id "${restorePlanId}"`
            : null;
    return {
      mode: 'validate',
      reason: `a ${eventName} run only validates`,
      ...(ignored
        ? { overridden: `a ${eventName} run never plans or applies: ignored ${ignored}` }
        : {}),
    };
  }
  if (restorePlanId !== null) return resolveRestore(requested, eventName, restorePlanId);
  if (requested === 'apply') {
    if (eventName === 'push') return { mode: 'apply', reason: 'mode: apply on push' };
    if (eventName === 'workflow_dispatch') {
      if (planFile === null) {
        throw new InputError(
          "Input 'plan-file' is empty; mode: apply on workflow_dispatch needs the plan file to apply.",
        );
      }
      return { mode: 'apply', reason: `mode: apply of ${planFile} on workflow_dispatch` };
    }
    throw new InputError(
      `Input 'mode' has the value "apply"; apply runs on push (a merged plan PR) or workflow_dispatch with plan-file, not on ${eventName}.`,
    );
  }
  if (requested === 'plan') return { mode: 'plan', reason: `mode: plan on ${eventName}` };
  if (requested === 'validate')
    return { mode: 'validate', reason: `mode: validate on ${eventName}` };

  switch (eventName) {
    case 'schedule':
      return { mode: 'plan', reason: 'a scheduled run plans' };
    case 'workflow_dispatch':
      return planFile === null
        ? { mode: 'plan', reason: 'a manual run without plan-file plans' }
        : { mode: 'apply', reason: `a manual run applies plan-file ${planFile}` };
    case 'push':
      return { mode: 'apply', reason: 'a push applies the plan file it merged, if any' };
    default:
      return { mode: 'validate', reason: `${eventName} runs validate (mode: auto)` };
  }
}

/** `restore-plan-id` is given: a manual run opens a restore PR; anything else is a mistake. */
function resolveRestore(requested: Mode, eventName: string, planId: string): ResolvedMode {
  const where = 'a restore PR is opened only on workflow_dispatch with mode auto or plan';
  if (eventName !== 'workflow_dispatch') {
    throw new InputError(
      `Input 'restore-plan-id' has the value "${planId}"; ${where}, not on ${eventName}. Start the workflow by hand (Actions → Run workflow) with restore-plan-id.`,
    );
  }
  if (requested === 'validate' || requested === 'apply') {
    throw new InputError(
      `Input 'restore-plan-id' has the value "${planId}" with mode "${requested}"; ${where}. The restore PR, once merged, is applied like any plan.`,
    );
  }
  return {
    mode: 'restore',
    reason: `a manual run with restore-plan-id ${planId} opens a restore PR`,
  };
}
