/**
 * YAML syntax errors in words an admin can act on, at the place to fix. The parser's own
 * message is kept where it is already clear; the usual mistakes (tabs, an unquoted ": " in text,
 * a quote never closed, a line indented one space off) get advice.
 */
import type { YAMLError } from 'yaml';

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export interface SyntaxProblem {
  /** Character offset in the decoded text. */
  offset: number;
  message: string;
}

export function syntaxProblem(error: YAMLError, text: string): SyntaxProblem {
  const parserSaid = lowerFirst(error.message.split('\n')[0]);
  const offset = error.pos[0];
  const plain = (message: string) => ({ offset, message });
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return plain(
        'YAML syntax error: a tab is used for indentation — YAML indents with spaces only',
      );
    case 'BLOCK_AS_IMPLICIT_KEY':
      return plain(
        'YAML syntax error: a "key: value" cannot follow a key on the same line — if this is text containing ": ", put the whole value in quotes; if it is a nested key, move it to its own line and indent it',
      );
    case 'MULTILINE_IMPLICIT_KEY':
      return plain(
        'YAML syntax error: a key must fit on one line — check the indentation of this line and the one after it',
      );
    case 'BAD_INDENT': {
      const flow =
        /^flow (sequence|map) in block collection must be sufficiently indented and end with a ([\]}])/.exec(
          parserSaid,
        );
      if (flow) {
        const close = flow[2];
        const open = close === ']' ? '[' : '{';
        const opener = unclosedBracket(text, offset, open, close);
        if (opener !== undefined) {
          return {
            offset: opener,
            message: `YAML syntax error: this "${open}" is never closed — end the ${close === ']' ? 'list' : 'mapping'} with "${close}"; if it continues on the next lines, indent them more than its key`,
          };
        }
      }
      return plain(`YAML syntax error: ${parserSaid} — check the indentation`);
    }
    case 'TAG_RESOLVE_FAILED':
      return plain(
        `unknown YAML tag ${parserSaid.replace(/^unresolved tag: /, '')} — policy files use plain values without tags`,
      );
    case 'MISSING_CHAR': {
      const quote = /^missing closing (['"])quote/.exec(parserSaid)?.[1];
      if (quote) {
        return {
          offset: openingQuote(text, offset, quote),
          message: `YAML syntax error: this ${quote === '"' ? 'double' : 'single'} quote is never closed — add the closing ${quote} at the end of the value`,
        };
      }
      if (parserSaid.startsWith('sequence item without - indicator')) {
        return plain(
          'YAML syntax error: this line is not indented like the keys of the list entry above it — align it with them, or start a new entry with "- "',
        );
      }
      return plain(`YAML syntax error: ${parserSaid}`);
    }
    default:
      // The parser recurses per nesting level: thousands of `[[[...` overflow its stack.
      // Where it overflows depends on the stack left, so point at the start of that line.
      if (/maximum call stack size exceeded/i.test(parserSaid)) {
        return {
          offset: text.lastIndexOf('\n', offset - 1) + 1,
          message:
            'lists or mappings are nested too deeply to read on this line — a policy needs only a few levels',
        };
      }
      return plain(`YAML syntax error: ${parserSaid}`);
  }
}

/** The quote that opened the unterminated value: the last one before `end` that can start a value. */
function openingQuote(text: string, end: number, quote: string): number {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] === quote && (i === 0 || /[\s:[{,-]/.test(text[i - 1]))) return i;
  }
  return end;
}

/** The last bracket before `end` that is not closed, skipping quoted text and comments. */
function unclosedBracket(
  text: string,
  end: number,
  open: string,
  close: string,
): number | undefined {
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < Math.min(end, text.length); i++) {
    const c = text[i];
    const before = i === 0 ? '\n' : text[i - 1];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\n' && quote === '#') quote = undefined;
      continue;
    }
    if (c === '#' && /\s/.test(before)) quote = '#';
    else if ((c === '"' || c === "'") && /[\s:[{,]/.test(before)) quote = c;
    else if (c === open) stack.push(i);
    else if (c === close) stack.pop();
  }
  return stack.pop();
}
