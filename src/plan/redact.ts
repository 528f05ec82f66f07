/**
 * `redact` (SPEC §4): what is removed from everything written to git and GitHub. Artifacts keep
 * everything. `emails` removes email addresses; `all` removes names and email addresses.
 */
import type { PlanBody } from './types.js';

export type Redact = 'none' | 'emails' | 'all';

export const REDACT_MODES: readonly Redact[] = ['none', 'emails', 'all'];

export const REDACTED = '[redacted]';

/** Anything shaped like an address: local part, `@`, a domain with at least one dot. */
const EMAIL_LIKE = /[^\s@<>()[\]"',;:|`]+@[^\s@<>()[\]"',;:|`]+\.[^\s@<>()[\]"',;:|`]+/g;

export function redactsEmails(redact: Redact): boolean {
  return redact !== 'none';
}

export function redactsNames(redact: Redact): boolean {
  return redact === 'all';
}

/**
 * Free text (reasons, notes, warnings) with email addresses removed under `emails` and `all`,
 * and, under `all`, the given names too (the person's own name, in their own row's text).
 */
export function redactFreeText(
  text: string,
  redact: Redact,
  names: readonly string[] = [],
): string {
  if (redact === 'none') return text;
  let out = text.replace(EMAIL_LIKE, '[email redacted]');
  if (redact === 'all') {
    for (const name of names) {
      // Very short names would blank out ordinary words.
      if (name.trim().length >= 3) out = out.split(name).join('[name redacted]');
    }
  }
  return out;
}

/**
 * What goes to git under `redact`: emails (and, with `all`, names) removed from every entry and
 * from free text, before the plan is finalized, so the digest covers the file as committed.
 */
export function redactPlanBody(body: PlanBody, redact: Redact): PlanBody {
  if (redact === 'none') return body;
  const names = (entries: ReadonlyArray<{ name: string | null }>) =>
    entries.flatMap((e) => (e.name ? [e.name] : []));
  const everyName = [
    ...names(body.actions),
    ...names(body.protected),
    ...names(body.activityUnknown),
    ...names(body.upcoming),
  ];
  const text = (value: string, own: string | null) =>
    redactFreeText(value, redact, own ? [own] : []);
  const person = <T extends { email: string | null; name: string | null }>(entry: T): T => ({
    ...entry,
    email: null,
    name: redact === 'all' ? null : entry.name,
  });
  return {
    ...body,
    actions: body.actions.map((a) => ({
      ...person(a),
      reason: text(a.reason, a.name),
      notes: a.notes.map((n) => text(n, a.name)),
    })),
    protected: body.protected.map((p) => ({ ...person(p), reason: text(p.reason, p.name) })),
    activityUnknown: body.activityUnknown.map((p) => ({
      ...person(p),
      reason: text(p.reason, p.name),
    })),
    upcoming: body.upcoming.map(person),
    warnings: body.warnings.map((w) => ({
      ...w,
      message: redactFreeText(w.message, redact, everyName),
    })),
  };
}
