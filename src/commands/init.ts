import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy init`: Write a starter policy from the live organisation. */
export const initCommand: Command = async (_argv, io) => {
  io.stderr('license-policy init: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
