/**
 * Turns Ajv's schema errors into problems an Atlassian admin can fix from the message alone:
 * the offending node's position (the key for an unknown key, the value for a wrong value, the
 * mapping for a missing key), plain words instead of schema jargon, and a hint where one can be
 * derived ("did you mean", allowed values, where a key belongs).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { PolicyProblem } from '../errors.js';
import { BOUND_ADVICE, EMPTY_TEXT_ADVICE, FIELD_TEXT, MISSING_KEY_ADVICE } from './field-text.js';
import { isRecord, keyPathOf, segmentsOf } from './instance-path.js';
import { meantKey, unknownKeyHint } from './key-hints.js';
import { NON_BLANK } from './schema.js';
import { schemaAt } from './schema-walk.js';
import { closest } from './suggest.js';
import {
  describeActual,
  describeExpected,
  orList,
  ownerName,
  realDateAdvice,
  show,
  subjectName,
  typeHint,
  withHint,
} from './wording.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

/** Keyword priority when several fail on one value: report the most basic only. */
const VALUE_KEYWORDS = [
  'type',
  'const',
  'enum',
  'pattern',
  'format',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'maxLength',
  'minItems',
  'minProperties',
];

export function schemaProblems(
  errors: readonly ErrorObject[],
  source: YamlSource,
): PolicyProblem[] {
  const kept = new Map<string, ErrorObject>();
  const others: ErrorObject[] = [];
  // A misspelt key that surely means a missing required key is one mistake: report it once.
  const misspelt = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const key = String((error.params as { additionalProperty: unknown }).additionalProperty);
    const segments = segmentsOf(error.instancePath, source.value);
    const meant = meantKey(key, keyPathOf(segments));
    if (meant) misspelt.add(`${error.instancePath}\u0000${meant}`);
  }
  for (const error of [...errors].sort(
    (a, b) =>
      Number(b.keyword === 'additionalProperties') - Number(a.keyword === 'additionalProperties'),
  )) {
    if (/\/anyOf\/\d+\//.test(error.schemaPath)) continue; // explained by the anyOf error itself
    if (error.keyword === 'propertyNames') continue; // its `pattern` error names the key
    if (
      error.keyword === 'required' &&
      misspelt.has(`${error.instancePath}\u0000${String(error.params.missingProperty)}`)
    ) {
      continue;
    }
    const rank = VALUE_KEYWORDS.indexOf(error.keyword);
    const key = `${error.instancePath}\u0000${error.propertyName ?? ''}`;
    if (rank < 0 || error.propertyName !== undefined) {
      others.push(error);
      continue;
    }
    const previous = kept.get(key);
    if (!previous || rank < VALUE_KEYWORDS.indexOf(previous.keyword)) kept.set(key, error);
  }
  return [...others, ...kept.values()].map((error) => translate(error, source));
}

function translate(error: ErrorObject, source: YamlSource): PolicyProblem {
  const root = source.value;
  const segments = segmentsOf(error.instancePath, root);
  const keyPath = keyPathOf(segments);
  const value: unknown = error.data;
  const node = schemaAt(keyPath);
  const subject = subjectName(segments);
  const problem = (at: PathSegment[], target: 'key' | 'value', message: string): PolicyProblem => ({
    ...source.locate(at, target),
    message,
  });
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const where = segments.length === 0 ? 'unknown top-level key' : 'unknown key';
      const owner = segments.length === 0 ? '' : ` in ${ownerName(segments, root)}`;
      return problem(
        [...segments, key],
        'key',
        `${where} "${key}"${owner} — ${unknownKeyHint(key, keyPath)}`,
      );
    }
    case 'required': {
      const key = String(params.missingProperty);
      if (segments.length === 0 && key === 'version') {
        return problem(
          segments,
          'value',
          'missing "version: 1" — every policy file starts with it',
        );
      }
      const isCapacityRule = keyPath === 'rules[]' && isRecord(value) && 'keepAtMost' in value;
      const advice =
        isCapacityRule && key === 'inactiveDays'
          ? 'on a keepAtMost rule it is the floor: nobody active within it is removed (at least 7)'
          : MISSING_KEY_ADVICE[key];
      return problem(
        segments,
        'value',
        withHint(`${ownerName(segments, root)} is missing "${key}"`, advice),
      );
    }
    case 'anyOf':
      return problem(
        segments,
        'value',
        'this account exclusion names no account — add "email" or "accountId"',
      );
    case 'not': {
      const first = source.locate([...segments, 'email'], 'key');
      const second = source.locate([...segments, 'accountId'], 'key');
      const later =
        first.line > second.line || (first.line === second.line && first.column > second.column)
          ? 'email'
          : 'accountId';
      return problem(
        [...segments, later],
        'key',
        'this account exclusion has both "email" and "accountId" — an entry names one account, so keep one (write two entries to exclude two accounts)',
      );
    }
    case 'type': {
      const type = String(params.type);
      if (segments.length === 0) {
        return problem(
          segments,
          'value',
          `a policy file must be ${describeExpected(node, 'object')}, not ${describeActual(value)}`,
        );
      }
      if (keyPath === 'version') {
        return problem(
          segments,
          'value',
          withHint(
            `"version" must be the number 1, not ${describeActual(value)}`,
            value === '1' ? 'remove the quotes' : undefined,
          ),
        );
      }
      if (value === null) {
        return problem(
          segments,
          'value',
          `${subject} ${typeof segments[segments.length - 1] === 'number' ? 'is empty' : 'has no value'} — write ${describeExpected(node, type)}`,
        );
      }
      return problem(
        segments,
        'value',
        withHint(
          `${subject} must be ${describeExpected(node, type)}, not ${describeActual(value)}`,
          typeHint(type, value),
        ),
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as string[]) ?? [];
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      return problem(
        segments,
        'value',
        withHint(
          `${subject} must be one of ${allowed.join(', ')}, not ${show(value)}`,
          near ? `did you mean "${near}"?` : undefined,
        ),
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum': {
      const limit = Number(params.limit);
      const bound =
        error.keyword === 'minimum'
          ? `at least ${limit}`
          : error.keyword === 'maximum'
            ? `at most ${limit}`
            : `more than ${limit}`;
      return problem(
        segments,
        'value',
        withHint(`${subject} must be ${bound}, not ${show(value)}`, BOUND_ADVICE[keyPath]),
      );
    }
    case 'maxLength':
      return problem(
        segments,
        'value',
        `${FIELD_TEXT[keyPath]?.noun ?? subject} ${show(value)} is ${String(value).length} characters long — at most ${String(params.limit)} are allowed`,
      );
    case 'minItems':
      return problem(
        segments,
        'value',
        keyPath === 'rules[].sites'
          ? '"sites" is an empty list — name at least one site, or remove "sites" to govern every site of the product'
          : `${subject} is an empty list`,
      );
    case 'minProperties':
      return problem(
        segments,
        'value',
        `${subject} is empty — narrow the rule with ${orList(Object.keys(node?.properties ?? {}))}, or remove "${String(segments[segments.length - 1])}"`,
      );
    case 'pattern':
    case 'format': {
      if (error.propertyName !== undefined) {
        const name = error.propertyName;
        const text = FIELD_TEXT[`${keyPath}.*`] ?? FIELD_TEXT['products.*'];
        const fixed = text.fix?.(name);
        return problem(
          [...segments, name],
          'key',
          withHint(
            `${text.noun} ${show(name)} must be ${text.expect}, like "${text.example}"`,
            fixed ? `did you mean "${fixed}"?` : undefined,
          ),
        );
      }
      const written = String(value);
      if (params.pattern === NON_BLANK) {
        const key = String(segments[segments.length - 1]);
        return problem(
          segments,
          'value',
          withHint(
            `${subject} is empty`,
            EMPTY_TEXT_ADVICE[key] ??
              (typeof segments[segments.length - 1] === 'number'
                ? 'write a value or remove the entry'
                : 'write a value or remove the key'),
          ),
        );
      }
      if (node?.format === 'date') {
        return problem(
          segments,
          'value',
          error.keyword === 'pattern'
            ? `${subject} must be a date written YYYY-MM-DD, like 2027-06-30, not ${show(value)}`
            : `${subject} must be a real calendar date, and ${show(value)} is not one — ${realDateAdvice(written)}`,
        );
      }
      const text = FIELD_TEXT[keyPath];
      if (!text) {
        return problem(segments, 'value', `${subject} is not valid: ${show(value)}`);
      }
      const fixed = text.fix?.(written);
      const advice = fixed ? `did you mean "${fixed}"?` : text.advice?.(written);
      return problem(
        segments,
        'value',
        withHint(
          `${text.noun} ${show(value)} must be ${text.expect}, like "${text.example}"`,
          advice,
        ),
      );
    }
    default:
      return problem(segments, 'value', `${subject} ${error.message ?? 'is not valid'}`);
  }
}
