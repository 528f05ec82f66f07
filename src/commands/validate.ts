import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy validate`: Check the policy files (never touches the network). */
export const validateCommand: Command = async (_argv, io) => {
  io.stderr('license-policy validate: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
