/**
 * Every action input: its name, its default (the same as `action.yml`, which a test checks),
 * how it is parsed, and what is allowed. All of it runs before any network call, so a typo in
 * the workflow fails in a second with a message naming the input, the value and what is allowed.
 */
import { InputError } from './errors.js';
import { PLAN_ID_PATTERN } from './plan/plan-schema.js';

export type Mode = 'auto' | 'validate' | 'plan' | 'apply';
export type Redact = 'none' | 'emails' | 'all';

export interface ActionSettings {
  mode: Mode;
  /** POSIX path relative to the workspace, normalised (no `./`, no trailing slash). */
  policyPath: string;
  plansPath: string;
  /** Empty when not given (validate needs none). */
  atlassianOrgId: string;
  /** Empty when not given. Masked as soon as it is read. */
  atlassianApiKey: string;
  /** Without a trailing slash. */
  atlassianApiUrl: string;
  /** Masked as soon as it is read. */
  githubToken: string;
  planBranch: string;
  stateBranch: string;
  /** Null turns the audit branch off. */
  auditBranch: string | null;
  /** Repository-relative path of the plan to apply on dispatch, or null. */
  planFile: string | null;
  /** The plan whose apply a dispatch restores (`restore-plan-id`), or null. */
  restorePlanId: string | null;
  /** Account ids to restore (`restore-accounts`); empty = every account the apply removed. */
  restoreAccounts: string[];
  requireApproval: boolean;
  overrideLabel: string;
  auditArtifactName: string;
  auditRetentionDays: number;
  redact: Redact;
  dryRun: boolean;
  concurrency: number;
}

/** The defaults, exactly as `action.yml` declares them. */
export const INPUT_DEFAULTS = {
  mode: 'auto',
  'policy-path': 'policies',
  'plans-path': 'plans',
  'atlassian-org-id': '',
  'atlassian-api-key': '',
  'atlassian-api-url': 'https://api.atlassian.com',
  'github-token': '${{ github.token }}',
  'plan-branch': 'license-policy/plan',
  'state-branch': 'license-policy/state',
  'audit-branch': 'license-policy/audit',
  'plan-file': '',
  'restore-plan-id': '',
  'restore-accounts': '',
  'require-approval': 'true',
  'override-label': 'license-policy:override-limits',
  'audit-artifact-name': 'license-policy-audit',
  'audit-retention-days': '90',
  redact: 'none',
  'dry-run': 'false',
  concurrency: '4',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

/** Inputs whose value is a secret: masked before anything else happens, never echoed in errors. */
export const SECRET_INPUTS: readonly InputName[] = ['atlassian-api-key', 'github-token'];

/**
 * Inputs where an empty value means "not given" rather than "use the default": the runner
 * passes `''` for an unset `${{ vars.X }}`, and for `audit-branch` empty means "off".
 */
const EMPTY_IS_MEANINGFUL: ReadonlySet<InputName> = new Set<InputName>([
  'atlassian-org-id',
  'atlassian-api-key',
  'github-token',
  'audit-branch',
  'plan-file',
  'restore-plan-id',
  'restore-accounts',
]);

export interface InputSource {
  /** The raw value, trimmed; `''` when not set. */
  get(name: InputName): string;
  mask(secret: string): void;
}

export const MODES: readonly Mode[] = ['auto', 'validate', 'plan', 'apply'];
export const REDACT_VALUES: readonly Redact[] = ['none', 'emails', 'all'];
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];
export const MAX_RETENTION_DAYS = 400;
export const MAX_CONCURRENCY = 32;
/** GitHub label names are at most 50 characters. */
const MAX_LABEL_LENGTH = 50;

function fail(name: InputName, value: string, allowed: string): never {
  const shown = SECRET_INPUTS.includes(name) ? '(hidden)' : JSON.stringify(value);
  throw new InputError(`Input '${name}' has the value ${shown}; ${allowed}.`);
}

function oneOf<T extends string>(name: InputName, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  return fail(name, value, `allowed: ${allowed.join(', ')}`);
}

function bool(name: InputName, value: string): boolean {
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  return fail(name, value, 'allowed: true or false');
}

function integer(name: InputName, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value))
    return fail(name, value, `allowed: a whole number from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) return fail(name, value, `allowed: a whole number from ${min} to ${max}`);
  return n;
}

/** A relative POSIX path that stays inside the workspace. */
export function relativePath(name: InputName, value: string): string {
  const allowed = 'allowed: a relative path inside the repository (no "..", not absolute)';
  if (value === '' || value.includes('\0') || value.includes('\\'))
    return fail(name, value, allowed);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return fail(name, value, allowed);
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return fail(name, value, allowed);
  return parts.join('/');
}

/** `git check-ref-format` rules for a branch name. */
export function isValidBranchName(value: string): boolean {
  if (value === '' || value === '@' || value.length > 255) return false;
  if (value.startsWith('/') || value.endsWith('/') || value.startsWith('-')) return false;
  if (value.endsWith('.') || value.endsWith('.lock') || value.includes('..')) return false;
  if (value.includes('//') || value.includes('@{')) return false;
  if ([...value].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  if (/[~^:?*[\\]/.test(value)) return false;
  return value.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

function branch(name: InputName, value: string): string {
  const trimmed = value.replace(/^refs\/heads\//, '');
  if (isValidBranchName(trimmed)) return trimmed;
  return fail(name, value, 'allowed: a valid git branch name (git check-ref-format)');
}

function apiUrl(name: InputName, value: string): string {
  const allowed =
    'allowed: an https URL (http only for a loopback sandbox such as http://127.0.0.1:PORT)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, value, allowed);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return fail(name, value, allowed);
  }
  if (url.username || url.password || url.search || url.hash) {
    return fail(name, value, `${allowed}, without credentials, query or fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** An Atlassian account id as the restore inputs accept it. */
export const ACCOUNT_ID_PATTERN = /^[a-zA-Z0-9_|:-]{1,128}$/;
/** More account ids than this in one restore is a list pasted by mistake. */
export const MAX_RESTORE_ACCOUNTS = 1000;

/** The head branch of restore PRs: next to `plan-branch`, never rebuilt by a plan run. */
export function restoreBranchOf(planBranch: string): string {
  return `${planBranch}-restore`;
}

function restorePlanId(value: string): string | null {
  if (value === '') return null;
  if (new RegExp(PLAN_ID_PATTERN).test(value)) return value;
  return fail(
    'restore-plan-id',
    value,
    "allowed: a plan id such as 2026-11-30-a1b2c3d4 (the applied plan file's name without .json)",
  );
}

/** Account ids separated by commas, spaces or line breaks; each once, in the order given. */
function restoreAccounts(value: string): string[] {
  const ids = [...new Set(value.split(/[\s,]+/).filter((id) => id !== ''))];
  for (const id of ids) {
    if (!ACCOUNT_ID_PATTERN.test(id)) {
      fail(
        'restore-accounts',
        id,
        'allowed: Atlassian account ids (1–128 letters, digits, "_", "|", ":" or "-") separated by commas, spaces or line breaks',
      );
    }
  }
  if (ids.length > MAX_RESTORE_ACCOUNTS) {
    throw new InputError(
      `Input 'restore-accounts' has ${ids.length} account ids; allowed: at most ${MAX_RESTORE_ACCOUNTS} (leave it empty to restore everyone the apply removed).`,
    );
  }
  return ids;
}

/** Characters the artifact service refuses in a name. */
const BAD_ARTIFACT_CHARS = /["':<>|*?\r\n\\/]/;

export function readSettings(source: InputSource): ActionSettings {
  // Secrets first: masked before any parsing could print them.
  for (const name of SECRET_INPUTS) {
    const value = source.get(name);
    if (value !== '') source.mask(value);
  }
  const raw = (name: InputName): string => {
    const value = source.get(name).trim();
    if (value === '' && !EMPTY_IS_MEANINGFUL.has(name)) return INPUT_DEFAULTS[name];
    return value;
  };

  const mode = oneOf('mode', raw('mode'), MODES);
  const policyPath = relativePath('policy-path', raw('policy-path'));
  const plansPath = relativePath('plans-path', raw('plans-path'));

  const atlassianOrgId = raw('atlassian-org-id');
  if (atlassianOrgId !== '' && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(atlassianOrgId)) {
    fail('atlassian-org-id', atlassianOrgId, 'allowed: the organisation id (letters, digits, "-")');
  }
  const atlassianApiKey = source.get('atlassian-api-key').trim();
  if (/\s/.test(atlassianApiKey)) {
    fail(
      'atlassian-api-key',
      atlassianApiKey,
      'allowed: one API key without spaces or line breaks',
    );
  }
  const atlassianApiUrl = apiUrl('atlassian-api-url', raw('atlassian-api-url'));
  const githubToken = source.get('github-token').trim();
  if (/\s/.test(githubToken)) {
    fail('github-token', githubToken, 'allowed: one token without spaces or line breaks');
  }

  const planBranch = branch('plan-branch', raw('plan-branch'));
  const stateBranch = branch('state-branch', raw('state-branch'));
  const auditBranchRaw = raw('audit-branch');
  const auditBranch = auditBranchRaw === '' ? null : branch('audit-branch', auditBranchRaw);
  if (stateBranch === planBranch) {
    fail('state-branch', stateBranch, `allowed: a branch other than plan-branch ("${planBranch}")`);
  }
  if (auditBranch !== null && (auditBranch === planBranch || auditBranch === stateBranch)) {
    fail('audit-branch', auditBranch, 'allowed: a branch other than plan-branch and state-branch');
  }

  const planFileRaw = raw('plan-file');
  let planFile: string | null = null;
  if (planFileRaw !== '') {
    const file = relativePath('plan-file', planFileRaw);
    if (!file.endsWith('.json')) {
      fail('plan-file', planFileRaw, `allowed: a plan file "${plansPath}/<planId>.json"`);
    }
    planFile = file.includes('/') ? file : `${plansPath}/${file}`;
    if (
      !planFile.startsWith(`${plansPath}/`) ||
      planFile.slice(plansPath.length + 1).includes('/')
    ) {
      fail(
        'plan-file',
        planFileRaw,
        `allowed: a plan file directly inside plans-path ("${plansPath}")`,
      );
    }
  }

  const restoreId = restorePlanId(raw('restore-plan-id'));
  const accounts = restoreAccounts(raw('restore-accounts'));
  if (accounts.length > 0 && restoreId === null) {
    fail(
      'restore-accounts',
      raw('restore-accounts'),
      "allowed only together with 'restore-plan-id' (the plan whose apply to undo)",
    );
  }
  if (restoreId !== null && planFile !== null) {
    fail(
      'restore-plan-id',
      restoreId,
      "allowed only without 'plan-file': a run either opens a restore PR or applies a merged plan",
    );
  }
  const restoreBranch = restoreBranchOf(planBranch);
  if (!isValidBranchName(restoreBranch)) {
    fail(
      'plan-branch',
      planBranch,
      `allowed: a branch name that stays valid with "-restore" appended (restore PRs come from "${restoreBranch}")`,
    );
  }
  if (stateBranch === restoreBranch || auditBranch === restoreBranch) {
    fail(
      stateBranch === restoreBranch ? 'state-branch' : 'audit-branch',
      restoreBranch,
      `allowed: a branch other than "${restoreBranch}", the head branch of restore PRs`,
    );
  }

  const overrideLabel = raw('override-label');
  if (overrideLabel.length > MAX_LABEL_LENGTH || /[\r\n]/.test(overrideLabel)) {
    fail(
      'override-label',
      overrideLabel,
      `allowed: a label name of at most ${MAX_LABEL_LENGTH} characters`,
    );
  }
  const auditArtifactName = raw('audit-artifact-name');
  if (BAD_ARTIFACT_CHARS.test(auditArtifactName) || auditArtifactName.length > 200) {
    fail(
      'audit-artifact-name',
      auditArtifactName,
      'allowed: an artifact name without " : < > | * ? \\ / or line breaks, at most 200 characters',
    );
  }

  return {
    mode,
    policyPath,
    plansPath,
    atlassianOrgId,
    atlassianApiKey,
    atlassianApiUrl,
    githubToken,
    planBranch,
    stateBranch,
    auditBranch,
    planFile,
    restorePlanId: restoreId,
    restoreAccounts: accounts,
    requireApproval: bool('require-approval', raw('require-approval')),
    overrideLabel,
    auditArtifactName,
    auditRetentionDays: integer(
      'audit-retention-days',
      raw('audit-retention-days'),
      1,
      MAX_RETENTION_DAYS,
    ),
    redact: oneOf('redact', raw('redact'), REDACT_VALUES),
    dryRun: bool('dry-run', raw('dry-run')),
    concurrency: integer('concurrency', raw('concurrency'), 1, MAX_CONCURRENCY),
  };
}

/** Plan, apply and restore talk to Atlassian: each needs the org id and the key. */
export function requireAtlassian(
  settings: ActionSettings,
  mode: 'plan' | 'apply' | 'restore',
): void {
  if (settings.atlassianOrgId === '') {
    throw new InputError(`Input 'atlassian-org-id' is empty; ${mode} needs the organisation id.`);
  }
  if (settings.atlassianApiKey === '') {
    throw new InputError(
      `Input 'atlassian-api-key' is empty; ${mode} needs the organisation API key ` +
        '(pass it from an Environment secret, for example secrets.ATLASSIAN_API_KEY).',
    );
  }
}

export function requireGithubToken(settings: ActionSettings): void {
  if (settings.githubToken === '') {
    throw new InputError(
      "Input 'github-token' is empty; the action needs a token for the GitHub API (default: ${{ github.token }}).",
    );
  }
}
