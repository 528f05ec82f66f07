import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy demo`: Run the whole job against the built-in sandbox. */
export const demoCommand: Command = async (_argv, io) => {
  io.stderr('license-policy demo: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
