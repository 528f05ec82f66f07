/**
 * `license-policy validate [--policy DIR]`: checks the policy files and nothing else — no
 * network, no organisation. Exit 0 with a summary on stdout, or exit 2 with every problem,
 * `file:line:column: message` one a line, on stderr.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './io.js';
import { EXIT_INVALID, EXIT_OK, InputError, PolicyError, messageOf } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import { summarizePolicy } from '../policy/summary.js';

export const VALIDATE_USAGE = `Usage: license-policy validate [--policy DIR]

Check the policy files: YAML syntax, the schema, and the rules that span files.
Never contacts Atlassian; checks that need the organisation (product keys, groups,
accounts) run at plan time.

Options:
  --policy DIR   directory of *.yml / *.yaml policy files (default: policies)
  -h, --help     show this help

Exit codes: 0 valid, 2 invalid (problems on stderr as file:line:column: message).
`;

export const validateCommand: Command = async (argv, io) => {
  let options: { policy?: string; help?: boolean };
  try {
    options = parseArgs({
      args: argv,
      options: {
        policy: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error: unknown) {
    io.stderr(`license-policy validate: ${messageOf(error)}\n\n${VALIDATE_USAGE}`);
    return EXIT_INVALID;
  }
  if (options.help) {
    io.stdout(VALIDATE_USAGE);
    return EXIT_OK;
  }

  const dir = options.policy ?? 'policies';
  try {
    const policy = await loadPolicy(path.resolve(io.cwd, dir), { displayRoot: io.cwd });
    io.stdout(`${summarizePolicy(policy)}\n`);
    return EXIT_OK;
  } catch (error: unknown) {
    if (error instanceof PolicyError) {
      const files = new Set(error.problems.map((p) => p.file)).size;
      const n = error.problems.length;
      io.stderr(
        `${error.message}\n${n} problem${n === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; the policy is not valid\n`,
      );
      return EXIT_INVALID;
    }
    if (error instanceof InputError) {
      io.stderr(`license-policy validate: ${error.message}\n`);
      return EXIT_INVALID;
    }
    throw error;
  }
};
