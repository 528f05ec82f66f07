// The `license-policy` CLI: the same engine as the action, other I/O. Each command lives in
// src/commands/<name>.ts and returns its exit code (0 done, 1 runtime, 2 invalid input, 3 refused).
import { processIo, type Command, type CliIo } from './commands/io.js';
import { EXIT_INVALID, EXIT_OK, exitCodeOf, messageOf } from './errors.js';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: 'Check the policy files (never touches the network)',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  plan: {
    summary: 'Read the organisation, evaluate the policy and write a plan',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  apply: {
    summary: 'Apply a reviewed plan (re-evaluated against fresh data)',
    load: async () => (await import('./commands/apply.js')).applyCommand,
  },
  restore: {
    summary: 'Build a plan that gives back what an apply removed',
    load: async () => (await import('./commands/restore.js')).restoreCommand,
  },
  init: {
    summary: 'Write a starter policy from the live organisation',
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  sandbox: {
    summary: 'Serve the Atlassian API emulator with a synthetic organisation',
    load: async () => (await import('./commands/sandbox.js')).sandboxCommand,
  },
  demo: {
    summary: 'Run the whole job against the built-in sandbox',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
};

const usage = (): string =>
  [
    'Usage: license-policy <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
    '',
    "Run 'license-policy <command> --help' for a command's options.",
    '',
  ].join('\n');

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT_INVALID : EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`license-policy: unknown command "${name}"\n\n${usage()}`);
    return EXIT_INVALID;
  }
  try {
    return await (
      await command.load()
    )(rest, io);
  } catch (error: unknown) {
    io.stderr(`license-policy ${name}: ${messageOf(error)}\n`);
    return exitCodeOf(error);
  }
}

process.exitCode = await main(process.argv.slice(2), processIo());
