/**
 * The one place that talks to `@actions/core`: inputs, secrets, logs, annotations, outputs,
 * state between the main and post steps, the job summary. Everything else imports this module
 * (and tests replace it) instead of the toolkit, so that mocking it never reaches into the
 * toolkit's own users such as `@actions/artifact`.
 */
import * as core from '@actions/core';

/** Where an annotation points: a file relative to the repository root, 1-based. */
export interface AnnotationPlace {
  file: string;
  line?: number;
  column?: number;
  title?: string;
}

export function getRawInput(name: string): string {
  return core.getInput(name);
}

/** Masks a secret in every later log line; call it before anything could print the value. */
export function maskSecret(value: string): void {
  if (value !== '') core.setSecret(value);
}

export function info(message: string): void {
  core.info(message);
}

export function debug(message: string): void {
  core.debug(message);
}

export function warning(message: string, place?: AnnotationPlace): void {
  core.warning(message, place ? annotation(place) : undefined);
}

export function error(message: string, place?: AnnotationPlace): void {
  core.error(message, place ? annotation(place) : undefined);
}

export function notice(message: string, place?: AnnotationPlace): void {
  core.notice(message, place ? annotation(place) : undefined);
}

function annotation(place: AnnotationPlace): core.AnnotationProperties {
  return {
    file: place.file,
    startLine: place.line,
    startColumn: place.column,
    title: place.title,
  };
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(name, fn);
}

export function setOutput(name: string, value: string | number | boolean): void {
  core.setOutput(name, String(value));
}

export function setFailed(message: string): void {
  core.setFailed(message);
}

/** State handed from the main step to the post step (GITHUB_STATE). */
export function saveState(name: string, value: string): void {
  core.saveState(name, value);
}

export function getState(name: string): string {
  return core.getState(name);
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function appendSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}

/** Action inputs as the runner passes them (`INPUT_<NAME>`), for `readSettings`. */
export const runnerInputs = {
  get: (name: string): string => core.getInput(name),
  mask: maskSecret,
};
