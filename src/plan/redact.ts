/**
 * `redact` (SPEC §4): what is removed from everything written to git and GitHub. Artifacts keep
 * everything. `emails` removes email addresses; `all` removes names and email addresses.
 */

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
