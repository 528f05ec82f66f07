import type { Command } from './io.js';
import { EXIT_RUNTIME } from '../errors.js';

/** `license-policy plan`: Read the organisation, evaluate the policy and write a plan. */
export const planCommand: Command = async (_argv, io) => {
  io.stderr('license-policy plan: not built yet\n');
  return Promise.resolve(EXIT_RUNTIME);
};
