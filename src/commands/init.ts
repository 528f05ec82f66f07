/**
 * `license-policy init [--out FILE] [--force]`: reads the live organisation and writes a
 * commented starter policy (SPEC §8). The file is checked with the policy loader and against the
 * organisation before it is written, so it validates and plans without org errors.
 */
import { parseArgs } from 'node:util';
import type { Command } from './io.js';
import { EXIT_INVALID, EXIT_OK, InputError, messageOf } from '../errors.js';
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

export const initCommand: Command = async (argv, io) => {
  let options: { out?: string; force?: boolean; help?: boolean };
  try {
    options = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error: unknown) {
    io.stderr(`license-policy init: ${messageOf(error)}\n\n${INIT_USAGE}`);
    return EXIT_INVALID;
  }
  if (options.help) {
    io.stdout(INIT_USAGE);
    return EXIT_OK;
  }
  if (options.out === '') throw new InputError('--out: a file name is required ("-" for stdout)');

  const target = outputTarget(options.out, options.force === true, io.cwd);
  // Refuse before any API call: an existing policy is never replaced by accident.
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
};
