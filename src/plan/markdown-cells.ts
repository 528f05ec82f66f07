/** Table cells for people and free text under one redaction mode, and safe links. */
import type { Column } from './markdown-table.js';
import { mdCode, mdText } from './markdown-escape.js';
import { type Redact, redactFreeText, redactsEmails, redactsNames } from './redact.js';

export interface Person {
  accountId: string;
  email: string | null;
  name: string | null;
}

/** Renders people and free text under one redaction mode. */
export class Cells {
  constructor(private readonly redact: Redact) {}

  personColumns(): Column[] {
    if (redactsNames(this.redact)) return [{ title: 'Account' }];
    if (redactsEmails(this.redact)) return [{ title: 'Name' }, { title: 'Account' }];
    return [{ title: 'Name' }, { title: 'Email' }];
  }

  person(p: Person): string[] {
    const account = mdCode(p.accountId);
    if (redactsNames(this.redact)) return [account];
    const name = p.name === null || p.name.trim() === '' ? '—' : mdText(p.name);
    if (redactsEmails(this.redact)) return [name, account];
    return [name, p.email === null ? '_hidden_' : mdText(p.email, 254)];
  }

  /** Free text about a person: their own name and any email removed when redacting. */
  text(value: string, p?: Person, maxChars?: number): string {
    const names = p?.name ? [p.name] : [];
    return mdText(redactFreeText(value, this.redact, names), maxChars);
  }

  /** Group names, sites, products: not personal, but scrubbed of anything email-shaped. */
  label(value: string, maxChars?: number): string {
    return mdText(redactFreeText(value, this.redact), maxChars);
  }
}

/** Only plain http(s) links, with the characters that could end a Markdown link encoded. */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return undefined;
  return url.replace(/[()<>"'`|\\[\]]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
