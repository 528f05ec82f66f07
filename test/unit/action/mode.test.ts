import { describe, expect, it } from '@jest/globals';
import { resolveMode } from '../../../src/action/mode.js';
import { InputError } from '../../../src/errors.js';
import type { Mode } from '../../../src/inputs.js';

describe('which mode runs', () => {
  it('picks by event in auto mode', () => {
    expect(resolveMode('auto', 'pull_request', null).mode).toBe('validate');
    expect(resolveMode('auto', 'schedule', null).mode).toBe('plan');
    expect(resolveMode('auto', 'workflow_dispatch', null).mode).toBe('plan');
    expect(resolveMode('auto', 'workflow_dispatch', 'plans/p.json').mode).toBe('apply');
    expect(resolveMode('auto', 'push', null).mode).toBe('apply');
    expect(resolveMode('auto', 'merge_group', null).mode).toBe('validate');
  });

  it('never plans or applies on a pull request, whatever the inputs say', () => {
    for (const event of ['pull_request', 'pull_request_target']) {
      for (const mode of ['auto', 'validate', 'plan', 'apply'] as Mode[]) {
        for (const planFile of [null, 'plans/p.json']) {
          expect({ event, mode, planFile, run: resolveMode(mode, event, planFile).mode }).toEqual({
            event,
            mode,
            planFile,
            run: 'validate',
          });
        }
      }
    }
    expect(resolveMode('apply', 'pull_request_target', null).overridden).toBe(
      'a pull_request_target run never plans or applies: ignored mode "apply"',
    );
    expect(resolveMode('validate', 'pull_request', null).overridden).toBeUndefined();
  });

  it('honours a forced mode where the event allows it', () => {
    expect(resolveMode('plan', 'push', null).mode).toBe('plan');
    expect(resolveMode('validate', 'schedule', null).mode).toBe('validate');
    expect(resolveMode('apply', 'push', null).mode).toBe('apply');
    expect(resolveMode('apply', 'workflow_dispatch', 'plans/p.json').mode).toBe('apply');
  });

  it('refuses an apply it cannot place', () => {
    expect(() => resolveMode('apply', 'schedule', null)).toThrow(InputError);
    expect(() => resolveMode('apply', 'workflow_dispatch', null)).toThrow(
      "Input 'plan-file' is empty",
    );
  });

  it('opens a restore PR only on workflow_dispatch with restore-plan-id, in mode auto or plan', () => {
    const id = '2026-11-30-a1b2c3d4';
    expect(resolveMode('auto', 'workflow_dispatch', null, id)).toEqual({
      mode: 'restore',
      reason: `a manual run with restore-plan-id ${id} opens a restore PR`,
    });
    expect(resolveMode('plan', 'workflow_dispatch', null, id).mode).toBe('restore');
    // Without the input, dispatch plans as before.
    expect(resolveMode('auto', 'workflow_dispatch', null, null).mode).toBe('plan');
  });

  it('says clearly that a restore is only for workflow_dispatch in mode auto or plan', () => {
    const id = '2026-11-30-a1b2c3d4';
    for (const event of ['schedule', 'push', 'merge_group']) {
      expect(() => resolveMode('auto', event, null, id)).toThrow(
        new InputError(
          `Input 'restore-plan-id' has the value "${id}"; a restore PR is opened only on workflow_dispatch with mode auto or plan, not on ${event}. Start the workflow by hand (Actions → Run workflow) with restore-plan-id.`,
        ),
      );
    }
    for (const mode of ['apply', 'validate'] as Mode[]) {
      expect(() => resolveMode(mode, 'workflow_dispatch', null, id)).toThrow(
        `Input 'restore-plan-id' has the value "${id}" with mode "${mode}"; a restore PR is opened only on workflow_dispatch with mode auto or plan.`,
      );
    }
  });

  it('never restores on a pull request, and says what it ignored', () => {
    const resolved = resolveMode('auto', 'pull_request', null, '2026-11-30-a1b2c3d4');
    expect(resolved).toEqual({
      mode: 'validate',
      reason: 'a pull_request run only validates',
      overridden:
        'a pull_request run never plans or applies: ignored restore-plan-id "2026-11-30-a1b2c3d4"',
    });
  });
});
