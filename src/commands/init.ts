/**
 * `license-policy init [--out FILE] [--force]`: reads the live organisation and writes a
 * commented starter policy (SPEC §8). The file is checked with the policy loader and against the
 * organisation before it is written, so it validates and plans without org errors.
 */
import type { CliIo, Command } from './io.js';
import { EXIT_OK } from '../errors.js';
import {
  assertWritable,
  outputTarget,
  schemaRefFor,
  siblingPolicyFiles,
  writeStarterPolicy,
} from '../init/output.js';
import { readSurvey } from '../init/read-survey.js';
import { renderStarterPolicy } from '../init/render.js';
import { checkStarterPolicy } from '../init/self-check.js';
import { parseCommandArgs, stringFlag, withExitCode } from '../run/args.js';
import { atlassianSettingsFromEnv, createAtlassianClient } from '../run/settings.js';

export const INIT_USAGE = `Usage: license-policy init [--out FILE] [--force]

Read the organisation and write a commented starter policy: the products and sites found with
their licensed seats, the groups that grant them (IdP-synced and locked groups flagged), admins
and service accounts excluded, one cautious rule per product and small safety limits.

Options:
  --out FILE   where to write (default: policies/license-policy.yml); "-" prints to stdout
  --force      replace FILE if it exists (without it an existing file is never touched)
  -h, --help   show this help

Environment: ATLASSIAN_ORG_ID, ATLASSIAN_API_KEY, ATLASSIAN_API_URL (default
https://api.atlassian.com). Only reads: init changes nothing in the organisation.

Exit codes: 0 written; 1 the organisation could not be read; 2 invalid usage, missing
settings, or FILE exists.
`;

/** The directory holding the written file, as `plan --policy` / `validate --policy` take it. */
function policyDirOf(shown: string): string {
  const slash = shown.lastIndexOf('/');
  return slash > 0 ? shown.slice(0, slash) : '.';
}

export const initCommand: Command = (argv, io) =>
  withExitCode('init', io, INIT_USAGE, () => runInit(argv, io));

async function runInit(argv: string[], io: CliIo): Promise<number> {
  const args = parseCommandArgs(
    'init',
    argv,
    { out: { type: 'string' }, force: { type: 'boolean' } },
    { min: 0, max: 0, names: '' },
  );
  if (args.help) {
    io.stdout(INIT_USAGE);
    return EXIT_OK;
  }
  const target = outputTarget(stringFlag(args.values, 'out'), args.values.force === true, io.cwd);
  // Everything local is checked before the first request: an existing policy is never
  // replaced by accident, and a refusal costs no API call.
  assertWritable(target);
  const settings = atlassianSettingsFromEnv(io.env);
  const client = createAtlassianClient(settings);

  const survey = await readSurvey(client, { onProgress: (m) => io.stderr(`  ${m}\n`) });
  const policyDir = target.file === null ? 'policies' : policyDirOf(target.shown);
  const text = renderStarterPolicy(survey, {
    generatedOn: new Date().toISOString().slice(0, 10),
    schemaRef: schemaRefFor(target, io.cwd),
    policyDir,
  });
  const shownPath = target.file === null ? 'policies/license-policy.yml' : target.shown;
  const policy = checkStarterPolicy(text, shownPath, survey);

  if (target.file === null) {
    io.stdout(text);
    return EXIT_OK;
  }
  writeStarterPolicy(target, text);
  const products = policy.rules.map((r) => r.product);
  io.stdout(
    `Wrote ${target.shown}: ${policy.rules.length} rule(s)` +
      (products.length > 0 ? ` (${products.join(', ')})` : '') +
      `, ${survey.groups.length} granting group(s) listed.\n` +
      `Next: read every comment in it, then 'license-policy plan --policy ${policyDir}' ` +
      `to see what it would do.\n`,
  );
  const siblings = siblingPolicyFiles(target);
  if (siblings.length > 0) {
    io.stderr(
      `note: ${siblings.join(', ')} ${siblings.length === 1 ? 'is' : 'are'} in the same directory; ` +
        `all policy files there form one policy, and limits may be set in one file only\n`,
    );
  }
  return EXIT_OK;
}
