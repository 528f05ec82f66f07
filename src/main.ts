/**
 * The action's one orchestrator: inputs -> mode -> steps -> outputs. Every input is read and
 * checked before any network call; the mode comes from the event (a pull-request run only ever
 * validates; a restore PR only on dispatch with `restore-plan-id`); the mode's steps run with everything they touch passed in; every output is set
 * and a job summary written whatever happens; typed errors become `core.setFailed` here only.
 */
import { runApply } from './action/apply.js';
import type { ActionIo, ModeDeps, Pipelines } from './action/deps.js';
import { resolveMode, PULL_REQUEST_EVENTS, type RunMode } from './action/mode.js';
import { emptyOutputs, OUTPUT_NAMES, outputValues, type ActionOutputs } from './action/outputs.js';
import { runPlan } from './action/plan.js';
import { runRestore } from './action/restore.js';
import { runnerIo } from './action/runner-io.js';
import { annotatePolicyProblems, runValidate, type ModeResult } from './action/validate.js';
import { InputError, PolicyError, RefusedError, messageOf } from './errors.js';
import { readRunContext } from './github/context.js';
import * as core from './github/core.js';
import { connectRepository } from './github/repository.js';
import { readSettings, requireAtlassian, requireGithubToken } from './inputs.js';

const MODES: Record<RunMode, (deps: ModeDeps) => Promise<ModeResult>> = {
  validate: runValidate,
  plan: runPlan,
  apply: runApply,
  restore: runRestore,
};

export interface RunOptions {
  /** The Atlassian-facing pipelines; loaded from src/run unless a test passes its own. */
  pipelines?: Pipelines;
  clock?: () => Date;
  io?: ActionIo;
}

function describeFailure(error: unknown, io: ActionIo): string {
  if (error instanceof PolicyError) {
    annotatePolicyProblems(io, error);
    return `The policy does not match the organisation or is invalid:\n${error.message}`;
  }
  if (error instanceof InputError) return `Invalid input: ${error.message}`;
  if (error instanceof RefusedError) return `Refused: ${error.message}`;
  return messageOf(error);
}

export async function run(options: RunOptions = {}): Promise<void> {
  const io = options.io ?? runnerIo;
  let outputs: ActionOutputs = emptyOutputs('validate');
  let failures: string[] = [];
  try {
    const settings = readSettings(core.runnerInputs);
    const context = readRunContext();
    const resolved = resolveMode(
      settings.mode,
      context.eventName,
      settings.planFile,
      settings.restorePlanId,
    );
    outputs = emptyOutputs(resolved.mode);
    if (resolved.overridden) io.warning(resolved.overridden);
    io.info(`Mode: ${resolved.mode} (${resolved.reason}).`);
    if (PULL_REQUEST_EVENTS.has(context.eventName) && settings.atlassianApiKey !== '') {
      io.warning(
        'This pull-request job was given atlassian-api-key. It is not used, but pull-request jobs should never receive it: keep the key in an Environment used only by the plan and apply jobs.',
      );
    }
    requireGithubToken(settings);
    if (resolved.mode !== 'validate') requireAtlassian(settings, resolved.mode);

    const pipelines = options.pipelines ?? (await import('./action/pipelines.js')).realPipelines();
    const deps: ModeDeps = {
      settings,
      context,
      io,
      github: connectRepository(settings.githubToken, context),
      pipelines,
      clock: options.clock ?? (() => new Date()),
    };
    const result = await MODES[resolved.mode](deps);
    outputs = result.outputs;
    failures = result.failures;
  } catch (error: unknown) {
    const message = describeFailure(error, io);
    failures.push(message);
    await io
      .summary(`## License policy: ${outputs.mode}\n\n❌ ${message.replace(/\n/g, '\n\n')}\n`)
      .catch(() => undefined);
  } finally {
    const values = outputValues(outputs);
    for (const name of OUTPUT_NAMES) core.setOutput(name, values[name]);
  }
  if (failures.length > 0) core.setFailed(failures.join('\n'));
}
