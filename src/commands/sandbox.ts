import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy sandbox`: Serve the Atlassian API emulator with a synthetic organisation. */
export const sandboxCommand: Command = async (_argv, io) => {
  io.stderr('license-policy sandbox: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
