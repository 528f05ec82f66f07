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
});
