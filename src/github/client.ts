/**
 * The Octokit the action uses, built in one place: the token, the API URL (GITHUB_API_URL on
 * the runner, a loopback fake in tests), and a helper that reads the HTTP status of a failed
 * request without depending on Octokit's error class.
 */
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export function createOctokit(token: string, apiUrl: string): Octokit {
  return getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') });
}

/** The HTTP status of an Octokit request error, or null for anything else. */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = error.status;
    if (typeof status === 'number') return status;
  }
  return null;
}

/**
 * A GitHub failure worth a clear message: what we were doing and the status, never the request
 * headers (they carry the token).
 */
export class GitHubApiError extends Error {
  readonly status: number | null;
  constructor(doing: string, error: unknown) {
    const status = httpStatusOf(error);
    const detail =
      error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : String(error);
    super(
      `GitHub API failed while ${doing}${status === null ? '' : ` (HTTP ${status})`}: ${detail}`,
    );
    this.name = 'GitHubApiError';
    this.status = status;
  }
}

/** Runs a request, turning a failure into a GitHubApiError that says what we were doing. */
export async function attempt<T>(doing: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error: unknown) {
    throw new GitHubApiError(doing, error);
  }
}

/** Like attempt, but a 404 is an answer (null), not a failure. */
export async function attemptOrNull<T>(
  doing: string,
  request: () => Promise<T>,
): Promise<T | null> {
  try {
    return await request();
  } catch (error: unknown) {
    if (httpStatusOf(error) === 404) return null;
    throw new GitHubApiError(doing, error);
  }
}
