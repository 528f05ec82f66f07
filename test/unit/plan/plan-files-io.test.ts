import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import {
  readPlanFile,
  readStateFile,
  writePlanFile,
  writeStateFile,
} from '../../../src/io/plan-files.js';
import { finalizePlan, serializePlan } from '../../../src/plan/plan-file.js';
import { emptyState } from '../../../src/plan/state.js';
import { samplePlanBody } from './sample-plan.js';

describe('plan and state files on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-files-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the plan file byte-stably into a new folder and reads it back', () => {
    const plan = finalizePlan(samplePlanBody());
    const path = join(dir, 'plans', `${plan.planId}.json`);
    writePlanFile(path, plan);
    expect(readFileSync(path, 'utf8')).toBe(serializePlan(plan));
    expect(readPlanFile(path)).toEqual(plan);
    expect(readdirSync(join(dir, 'plans'))).toEqual([`${plan.planId}.json`]);
  });

  it('names the file when a plan is missing, not UTF-8 or broken', () => {
    expect(() => readPlanFile(join(dir, 'nope.json'))).toThrow(InputError);
    expect(() => readPlanFile(join(dir, 'nope.json'))).toThrow('nope.json: plan file not found');
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from([0x7b, 0xe9, 0x7d]));
    expect(() => readPlanFile(latin1)).toThrow('latin1.json: the plan file is not valid UTF-8');
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, serializePlan(finalizePlan(samplePlanBody())).slice(0, 100));
    expect(() => readPlanFile(cut)).toThrow(`${cut}: the plan file is not valid JSON`);
  });

  it('starts from the empty state when there is no state file, and round-trips one', () => {
    const path = join(dir, 'state', 'state.json');
    expect(readStateFile(path)).toEqual(emptyState());
    const state = { ...emptyState(), orgId: 'org-acme' };
    writeStateFile(path, state);
    expect(readStateFile(path)).toEqual(state);
    writeFileSync(path, '{"schemaVersion":1');
    expect(() => readStateFile(path)).toThrow(InputError);
  });
});
