/**
 * Pull requests: the one plan PR (find, open, update, label, close), the merged PR a pushed
 * commit came from, a PR's changed files and its reviews. Shapes are narrowed to what the
 * action decides on, so the rest of the code never handles Octokit's types.
 */
import { attempt, attemptOrNull, type Octokit, type RepoRef } from './client.js';

export interface PullSummary {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  headRef: string;
  headSha: string;
  /** `owner/repo` of the head; differs from the base repository for a fork. */
  headRepo: string | null;
  baseRef: string;
  /** Null until merged (`pulls.list` has no `merged` field: this is `merged_at`). */
  mergedAt: string | null;
  mergeCommitSha: string | null;
  labels: string[];
  author: string | null;
  htmlUrl: string;
}

export interface PullFile {
  filename: string;
  /** `added`, `modified`, `removed`, `renamed`, `copied`, `changed`, `unchanged`. */
  status: string;
  previousFilename: string | null;
}

export interface Review {
  id: number;
  login: string | null;
  /** True for bots and apps: an approval must come from a person. */
  isBot: boolean;
  state: string;
  commitId: string | null;
  submittedAt: string | null;
}

interface RawPull {
  number: number;
  state: string;
  title: string;
  body?: string | null;
  head: { ref: string; sha: string; repo?: { full_name: string } | null };
  base: { ref: string };
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  labels?: Array<{ name?: string } | string>;
  user?: { login: string } | null;
  html_url: string;
}

function summarize(pr: RawPull): PullSummary {
  return {
    number: pr.number,
    state: pr.state === 'open' ? 'open' : 'closed',
    title: pr.title,
    body: pr.body ?? '',
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    headRepo: pr.head.repo?.full_name ?? null,
    baseRef: pr.base.ref,
    mergedAt: pr.merged_at ?? null,
    mergeCommitSha: pr.merge_commit_sha ?? null,
    labels: (pr.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
    author: pr.user?.login ?? null,
    htmlUrl: pr.html_url,
  };
}

export class Pulls {
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
  ) {}

  get fullName(): string {
    return `${this.repo.owner}/${this.repo.repo}`;
  }

  /** Open PRs from a branch of this repository into `base`, newest first. */
  async openFrom(head: string, base: string): Promise<PullSummary[]> {
    const list = await attempt(`listing open PRs from ${head}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.list, {
        ...this.repo,
        state: 'open',
        head: `${this.repo.owner}:${head}`,
        base,
        per_page: 100,
      }),
    );
    return (list as RawPull[])
      .map(summarize)
      .filter(
        (pr) => pr.headRef === head && (pr.headRepo === null || pr.headRepo === this.fullName),
      )
      .sort((a, b) => b.number - a.number);
  }

  /** Closed PRs from a branch of this repository into `base`, newest first, at most `limit`. */
  async closedFrom(head: string, base: string, limit = 100): Promise<PullSummary[]> {
    const { data } = await attempt(`listing closed PRs from ${head}`, () =>
      this.octokit.rest.pulls.list({
        ...this.repo,
        state: 'closed',
        head: `${this.repo.owner}:${head}`,
        base,
        sort: 'created',
        direction: 'desc',
        per_page: Math.min(limit, 100),
      }),
    );
    return (data as RawPull[])
      .map(summarize)
      .filter(
        (pr) => pr.headRef === head && (pr.headRepo === null || pr.headRepo === this.fullName),
      )
      .sort((a, b) => b.number - a.number);
  }

  async get(number: number): Promise<PullSummary> {
    const { data } = await attempt(`reading PR #${number}`, () =>
      this.octokit.rest.pulls.get({ ...this.repo, pull_number: number }),
    );
    return summarize(data);
  }

  async create(args: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullSummary> {
    const { data } = await attempt('opening the plan PR', () =>
      this.octokit.rest.pulls.create({ ...this.repo, ...args }),
    );
    return summarize(data);
  }

  async update(number: number, args: { title?: string; body?: string }): Promise<PullSummary> {
    const { data } = await attempt(`updating PR #${number}`, () =>
      this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, ...args }),
    );
    return summarize(data);
  }

  async close(number: number): Promise<void> {
    await attempt(`closing PR #${number}`, () =>
      this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, state: 'closed' }),
    );
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await attempt(`labelling PR #${number}`, () =>
      this.octokit.rest.issues.addLabels({ ...this.repo, issue_number: number, labels }),
    );
  }

  async removeLabel(number: number, label: string): Promise<void> {
    await attemptOrNull(`removing label ${label} from PR #${number}`, () =>
      this.octokit.rest.issues.removeLabel({ ...this.repo, issue_number: number, name: label }),
    );
  }

  async files(number: number): Promise<PullFile[]> {
    const files = await attempt(`listing the files of PR #${number}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
        ...this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return files.map((f) => ({
      filename: f.filename,
      status: f.status,
      previousFilename: f.previous_filename ?? null,
    }));
  }

  async reviews(number: number): Promise<Review[]> {
    const reviews = await attempt(`listing the reviews of PR #${number}`, () =>
      this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.repo,
        pull_number: number,
        per_page: 100,
      }),
    );
    return reviews.map((r) => ({
      id: r.id,
      login: r.user?.login ?? null,
      isBot: r.user?.type === 'Bot' || (r.user?.login ?? '').endsWith('[bot]'),
      state: r.state,
      commitId: r.commit_id ?? null,
      submittedAt: r.submitted_at ?? null,
    }));
  }

  /** PRs a commit belongs to (`GET /repos/{o}/{r}/commits/{sha}/pulls`). */
  async forCommit(sha: string): Promise<PullSummary[]> {
    const list = await attempt(`finding the PR of commit ${sha}`, () =>
      this.octokit.paginate(this.octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        ...this.repo,
        commit_sha: sha,
        per_page: 100,
      }),
    );
    return (list as RawPull[]).map(summarize);
  }
}
