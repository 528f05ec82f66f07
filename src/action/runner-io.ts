/** The runner's log, annotations, summary and state, as the modes see them. */
import * as core from '../github/core.js';
import type { ActionIo } from './deps.js';

export const runnerIo: ActionIo = {
  info: core.info,
  debug: core.debug,
  warning: core.warning,
  error: core.error,
  notice: core.notice,
  group: core.group,
  summary: core.appendSummary,
  saveState: core.saveState,
};
