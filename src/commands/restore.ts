import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy restore`: Build a plan that gives back what an apply removed. */
export const restoreCommand: Command = async (_argv, io) => {
  io.stderr('license-policy restore: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
