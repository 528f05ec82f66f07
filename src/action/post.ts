/**
 * The post step (`post-if: always()`): keeps the audit a cancelled or failed main step left
 * behind — whatever rows it wrote — as the artifact and on the audit branch, doing only the
 * part the main step did not finish.
 */
import { existsSync } from 'node:fs';
import { messageOf } from '../errors.js';
import { readRunContext } from '../github/context.js';
import * as core from '../github/core.js';
import { connectRepository } from '../github/repository.js';
import { readSettings } from '../inputs.js';
import { keepAudit, POST_STATE, type AuditPhase } from './audit-keep.js';
import { runnerIo } from './runner-io.js';

export async function runPost(): Promise<void> {
  try {
    if (core.getState(POST_STATE.kept) === 'true') return;
    const file = core.getState(POST_STATE.auditFile);
    if (!file || !existsSync(file)) return;
    const settings = readSettings(core.runnerInputs);
    const context = readRunContext();
    const phase: AuditPhase = core.getState(POST_STATE.phase) === 'apply' ? 'apply' : 'plan';
    const planId = core.getState(POST_STATE.planId) || 'unknown';
    core.info(
      `The main step did not finish keeping the audit of plan ${planId}; keeping what it recorded.`,
    );
    const kept = await keepAudit({
      settings,
      context,
      github: connectRepository(settings.githubToken, context),
      io: runnerIo,
      file,
      planId,
      phase,
      now: new Date(),
      already: {
        artifact: core.getState(POST_STATE.artifactId) !== '',
        branch: core.getState(POST_STATE.branchPath) !== '',
      },
    });
    if (kept.problems.length > 0)
      core.setFailed(`The audit was not kept: ${kept.problems.join('; ')}`);
  } catch (error: unknown) {
    core.setFailed(`The post step could not keep the audit: ${messageOf(error)}`);
  }
}
