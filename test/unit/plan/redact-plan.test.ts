import { describe, expect, it } from '@jest/globals';
import { redactPlanBody } from '../../../src/plan/redact.js';
import { finalizePlan, serializePlan, verifyPlanDigest } from '../../../src/plan/plan-file.js';
import { samplePlanBody } from './sample-plan.js';

describe('the plan file committed to git under redact', () => {
  const body = samplePlanBody();
  const emails = [...body.actions, ...body.protected, ...body.upcoming].flatMap((e) =>
    e.email ? [e.email] : [],
  );
  const names = body.actions.flatMap((a) => (a.name ? [a.name] : []));

  it('is the evaluation itself with redact none', () => {
    expect(redactPlanBody(body, 'none')).toBe(body);
  });

  it('holds no email with redact emails, keeps names, and its digest covers the redacted content', () => {
    expect(emails.length).toBeGreaterThan(0);
    const plan = finalizePlan(redactPlanBody(body, 'emails'));
    const text = serializePlan(plan);
    for (const email of emails) expect(text).not.toContain(email);
    expect(text).toContain(names[0]);
    expect(verifyPlanDigest(plan)).toBe(true);
    expect(plan.actions.map((a) => a.accountId)).toEqual(body.actions.map((a) => a.accountId));
  });

  it('holds no name and no email with redact all', () => {
    const text = serializePlan(finalizePlan(redactPlanBody(body, 'all')));
    for (const email of emails) expect(text).not.toContain(email);
    for (const name of names.filter((n) => n.length >= 3)) expect(text).not.toContain(name);
  });
});
