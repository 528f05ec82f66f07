/**
 * Everything the action does on GitHub, behind one object built from the token and the run
 * context: branches, pull requests, comments, artifacts, and the default branch.
 */
import { Artifacts } from './artifacts.js';
import { Branches } from './branches.js';
import { attempt, createOctokit, type Octokit, type RepoRef } from './client.js';
import { Comments } from './comments.js';
import type { RunContext } from './context.js';
import { Pulls } from './pulls.js';

export interface GitHubRepository {
  repo: RepoRef;
  branches: Branches;
  pulls: Pulls;
  comments: Comments;
  artifacts: Artifacts;
  /** From the event payload when it has it, else from the API. */
  defaultBranch(): Promise<string>;
}

export function connectRepository(token: string, context: RunContext): GitHubRepository {
  const octokit: Octokit = createOctokit(token, context.apiUrl);
  const repo = context.repo;
  let defaultBranch: string | undefined = context.payload.repository?.default_branch;
  return {
    repo,
    branches: new Branches(octokit, repo),
    pulls: new Pulls(octokit, repo),
    comments: new Comments(octokit, repo),
    artifacts: new Artifacts(octokit, repo, token, context.runId),
    async defaultBranch() {
      if (defaultBranch === undefined) {
        const { data } = await attempt('reading the repository', () =>
          octokit.rest.repos.get({ ...repo }),
        );
        defaultBranch = data.default_branch;
      }
      return defaultBranch;
    },
  };
}
