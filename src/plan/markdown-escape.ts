/**
 * Making text from Atlassian (names, emails, group names, sites) and from policy files inert in
 * GitHub Markdown: it must not break a table, inject HTML, format itself, @-mention a person or
 * team, reference an issue, or hide what it says behind bidi or invisible characters.
 *
 * How, in order:
 * 1. normalise: line breaks and tabs become spaces; control characters, lone surrogates and
 *    invisible format characters (bidi overrides and isolates, zero-width spaces, BOM, soft
 *    hyphen) become U+FFFD so a reviewer sees that something odd is there (ZWJ and ZWNJ stay:
 *    names in several scripts and emoji need them);
 * 2. shorten to a length limit (on code points);
 * 3. break GitHub's auto-references by putting U+200B (zero-width space) after an `@` that could
 *    start a mention, after a `#` before a digit, inside `GH-123`, `://` and `www.` — GitHub
 *    decodes entities and backslash escapes before it looks for mentions, so only a character
 *    that stays in the text stops them;
 * 4. escape: `&`, `<`, `>` and `|` as HTML entities (entities never split a table cell), and
 *    every other character Markdown gives meaning inside a line with a backslash; a value that
 *    starts like a block (`#`, `>`, `-`, `+`, `=`, `1.`, `1)`) is escaped at its start too.
 */

const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]+/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Controls and format characters except ZWNJ (U+200C) and ZWJ (U+200D). */
const INVISIBLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Co}]/gu;

export const DEFAULT_TEXT_LIMIT = 200;

/** Normalises and shortens; the result has no line breaks or invisible controls. */
export function normalizeText(value: string, maxChars: number = DEFAULT_TEXT_LIMIT): string {
  let text = value
    .replace(LONE_SURROGATES, '\uFFFD')
    .replace(LINE_BREAKS, ' ')
    .replace(INVISIBLE, '\uFFFD')
    .trim();
  if (text.length > maxChars) {
    const codePoints = Array.from(text);
    if (codePoints.length > maxChars) text = codePoints.slice(0, maxChars - 1).join('') + '…';
  }
  return text;
}

const ZWSP = '\u200B';
const ASCII_WORD = /[A-Za-z0-9_]/;

/** Step 3: stop GitHub turning the text into mentions, issue references or links. */
export function breakReferences(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    out += ch;
    const next = text[i + 1] ?? '';
    if (ch === '@') {
      // `user@example.com` is no mention (a word character before the @); `@team` and `(@x` are.
      const previous = i === 0 ? '' : text[i - 1];
      if (!ASCII_WORD.test(previous) && next !== '') out += ZWSP;
    } else if (ch === '#' && /[0-9]/.test(next)) {
      out += ZWSP;
    } else if ((ch === 'H' || ch === 'h') && /^-[0-9]/.test(text.slice(i + 1, i + 3))) {
      if (i > 0 && (text[i - 1] === 'G' || text[i - 1] === 'g')) out += ZWSP;
    } else if (ch === ':' && text.startsWith('//', i + 1)) {
      out += ZWSP;
    } else if (ch === '.' && i >= 3 && text.slice(i - 3, i).toLowerCase() === 'www') {
      out = out.slice(0, -1) + ZWSP + '.';
    }
  }
  return out;
}

/** `(`, `)` and `!` only mean something next to `[`/`]`, which are escaped. `$` opens math. */
const MARKDOWN_INLINE = new Set(['\\', '`', '*', '_', '[', ']', '~', '$']);
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '|': '&#124;' };

function escapeMarkdownChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const entity = ENTITIES[ch];
    if (entity !== undefined) out += entity;
    else if (MARKDOWN_INLINE.has(ch)) out += '\\' + ch;
    else out += ch;
  }
  // A value at the start of a list item or line must not open a block (heading, quote, list).
  const start = /^([#+=-])|^([0-9]+)([.)])/.exec(out);
  if (start?.[1] !== undefined) out = '\\' + out;
  else if (start?.[2] !== undefined) out = `${start[2]}\\${out.slice(start[2].length)}`;
  return out;
}

/**
 * Untrusted text for Markdown (table cells, list items, paragraphs): inert and at most
 * `maxChars` code points before escaping. Empty input gives an empty string.
 */
export function mdText(value: string | null | undefined, maxChars?: number): string {
  if (value === null || value === undefined) return '';
  return escapeMarkdownChars(breakReferences(normalizeText(value, maxChars)));
}

/** Untrusted text inside raw HTML (`<summary>`): entities only, no Markdown escapes. */
export function htmlText(value: string | null | undefined, maxChars?: number): string {
  if (value === null || value === undefined) return '';
  return breakReferences(normalizeText(value, maxChars)).replace(
    /[&<>"']/g,
    (ch) => `&#${ch.charCodeAt(0)};`,
  );
}

/**
 * An identifier (plan id, digest, rule id) as a code span when it is plainly an identifier;
 * anything else falls back to escaped text, so a code span is never a way out.
 */
export function mdCode(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._:/+=-]*$/.test(value) && value.length <= 200
    ? '`' + value + '`'
    : mdText(value);
}
