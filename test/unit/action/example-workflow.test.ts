import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../../../src/inputs.js';

const root = path.resolve(import.meta.dirname, '../../..');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  run?: string;
}
interface Job {
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, unknown>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function load(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(path.join(root, file), 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

const example = load('docs/examples/license-policy.yml');
const jobs = example.workflow.jobs;

/** A job a pull_request event can start: no `if`, or an `if` that names pull_request. */
function runsOnPullRequests(job: Job): boolean {
  return job.if === undefined || job.if.includes("'pull_request'");
}

const actionSteps = (job: Job) =>
  job.steps.filter((s) => s.uses?.includes('atlassian-license-policy') || s.uses === './');

describe('the example workflow', () => {
  it('runs on schedule, dispatch, pull requests on policies/** and plans/**, and pushes of plans/** to the default branch', () => {
    const on = example.workflow.on as {
      schedule: unknown[];
      workflow_dispatch: { inputs: Record<string, unknown> };
      pull_request: { paths: string[] };
      push: { branches: string[]; paths: string[] };
    };
    expect(on.schedule.length).toBeGreaterThan(0);
    expect(Object.keys(on.workflow_dispatch.inputs).sort()).toEqual([
      'dry-run',
      'mode',
      'plan-file',
      'restore-accounts',
      'restore-plan-id',
    ]);
    expect(on.pull_request.paths).toEqual(['policies/**', 'plans/**']);
    expect(on.push).toEqual({ branches: ['main'], paths: ['plans/**'] });
    expect(example.workflow.permissions).toEqual({});
  });

  it('gives pull-request jobs no Atlassian key, no secret and no environment', () => {
    const prJobs = Object.entries(jobs).filter(([, job]) => runsOnPullRequests(job));
    expect(prJobs.map(([name]) => name)).toEqual(['validate']);
    for (const [, job] of prJobs) {
      expect(job.environment).toBeUndefined();
      expect(JSON.stringify(job)).not.toMatch(/secrets\./);
      for (const step of actionSteps(job)) expect(step.with?.['atlassian-api-key']).toBeUndefined();
    }
    // Nothing at workflow level hands a secret to every job either.
    expect(JSON.stringify(example.workflow.env ?? {})).not.toMatch(/secrets\./);
  });

  it('keeps the key in the atlassian-admin environment, used only by the plan and apply jobs', () => {
    const withKey = Object.entries(jobs).filter(([, job]) =>
      JSON.stringify(job).includes('secrets.ATLASSIAN_API_KEY'),
    );
    expect(withKey.map(([name]) => name).sort()).toEqual(['apply', 'plan']);
    for (const [, job] of withKey) {
      expect(job.environment).toBe('atlassian-admin');
      expect(runsOnPullRequests(job)).toBe(false);
    }
  });

  it('gives plan and apply separate concurrency groups with the org id, never cancelling a run', () => {
    const plan = jobs['plan'].concurrency!;
    const apply = jobs['apply'].concurrency!;
    expect(plan.group).not.toBe(apply.group);
    for (const c of [plan, apply]) {
      expect(c.group).toContain('${{ vars.ATLASSIAN_ORG_ID }}');
      expect(c['cancel-in-progress']).toBe(false);
    }
  });

  it('asks for least privilege per job', () => {
    expect(jobs['validate'].permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      actions: 'read',
    });
    expect(jobs['plan'].permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      actions: 'read',
    });
    expect(jobs['apply'].permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      actions: 'read',
    });
  });

  it('passes only inputs the action declares', () => {
    for (const job of Object.values(jobs)) {
      for (const step of actionSteps(job)) {
        for (const name of Object.keys(step.with ?? {}))
          expect(Object.keys(INPUT_DEFAULTS)).toContain(name);
      }
    }
  });
});

describe("this repository's validate workflow", () => {
  const own = load('.github/workflows/license-policy-validate.yml');

  it('runs the local action in validate mode on pull requests, with no secret', () => {
    expect(Object.keys(own.workflow.on)).toEqual(['pull_request']);
    const steps = Object.values(own.workflow.jobs).flatMap((job) => actionSteps(job));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ uses: './', with: { mode: 'validate' } });
    expect(own.text).not.toMatch(/secrets\./);
  });
});
