/**
 * The plan file: identity (`planId`), integrity (`digest`), the byte-stable text written to
 * git, and strict parsing of a plan read back for apply.
 */
import type { ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import {
  canonicalJson,
  canonicalMembers,
  sha256Hex,
  sha256WithOneMemberMore,
  stableJson,
} from './canonical.js';
import { planJsonSchema } from './plan-schema.js';
import { PLAN_SCHEMA_VERSION, type Plan, type PlanBody } from './types.js';
import { assertValid, compileSchema, parseJsonText } from './validate.js';

function utcDay(createdAt: string): string {
  const created = new Date(createdAt);
  if (Number.isNaN(created.getTime())) {
    throw new Error(`plan createdAt is not a valid timestamp: ${JSON.stringify(createdAt)}`);
  }
  return created.toISOString().slice(0, 10);
}

/**
 * `YYYY-MM-DD` (UTC date of `createdAt`) + `-` + the first 8 hex of the SHA-256 of the body's
 * canonical JSON: the same body always gets the same id.
 */
export function planIdFor(body: PlanBody): string {
  return `${utcDay(body.createdAt)}-${sha256Hex(canonicalJson(body)).slice(0, 8)}`;
}

/** SHA-256 hex of the RFC 8785 canonical JSON of the plan without `digest`. */
export function computePlanDigest(plan: Plan | Omit<Plan, 'digest'>): string {
  const { digest: _ignored, ...withoutDigest } = plan as Plan;
  return sha256Hex(canonicalJson(withoutDigest));
}

/**
 * Gives the engine's plan body its id and digest. Does not modify `body`. The body's members
 * are canonicalised once, and hashed once for both hashes up to `planId` (large plans hold tens of
 * thousands of actions, and `actions` sorts first).
 */
export function finalizePlan(body: PlanBody): Plan {
  const { planId: _planId, digest: _digest, ...clean } = body as Partial<Plan> & PlanBody;
  const day = utcDay(clean.createdAt);
  const idOf = (bodyHash: string) => `${day}-${bodyHash.slice(0, 8)}`;
  const hashes = sha256WithOneMemberMore(canonicalMembers(clean), { key: 'planId', value: idOf });
  return { ...clean, planId: idOf(hashes.without), digest: hashes.with };
}

/** True when `digest` matches the content: the file has not been edited since it was made. */
export function verifyPlanDigest(plan: Plan): boolean {
  return computePlanDigest(plan) === plan.digest;
}

/** True when `planId` is the one `finalizePlan` gives this content (a renamed plan fails). */
export function verifyPlanId(plan: Plan): boolean {
  const { planId: _planId, digest: _digest, ...body } = plan;
  return planIdFor(body) === plan.planId;
}

/** The plan file's text: sorted keys, 2-space indent, LF, final newline. */
export function serializePlan(plan: Plan): string {
  return stableJson(plan);
}

/** `plans/<planId>.json`, relative to the plans directory. */
export function planFileName(planId: string): string {
  return `${planId}.json`;
}

let validatePlan: ValidateFunction | undefined;

/**
 * Reads a plan file's text. Strict: any structural problem (truncated JSON, unknown
 * `schemaVersion`, missing or unknown fields, wrong types, unknown operation types, duplicate
 * action ids) is an `InputError` naming `source` and what is wrong. The digest is not checked
 * here: apply refuses a mismatch with `verifyPlanDigest` (exit 3, not 2).
 */
export function parsePlan(text: string, source: string): Plan {
  const value = parseJsonText(text, source, 'plan file');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${source}: a plan file must hold a JSON object`);
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) {
    throw new InputError(`${source}: not a plan file: missing "schemaVersion"`);
  }
  if (version !== PLAN_SCHEMA_VERSION) {
    throw new InputError(
      `${source}: plan schemaVersion ${JSON.stringify(version)} is not supported (this version reads ${PLAN_SCHEMA_VERSION}); plan and apply with the same version of license-policy`,
    );
  }
  validatePlan ??= compileSchema(planJsonSchema);
  assertValid(validatePlan, value, source, 'plan file');
  const plan = value as Plan;
  const seen = new Set<string>();
  for (const [index, action] of plan.actions.entries()) {
    if (seen.has(action.id)) {
      throw new InputError(
        `${source}: not a valid plan file:\n  - actions[${index}].id: duplicate action id "${action.id}"`,
      );
    }
    seen.add(action.id);
  }
  return plan;
}
