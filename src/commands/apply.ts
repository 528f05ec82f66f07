import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy apply`: Apply a reviewed plan (re-evaluated against fresh data). */
export const applyCommand: Command = async (_argv, io) => {
  io.stderr('license-policy apply: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
