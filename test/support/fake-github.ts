/**
 * A small stateful GitHub REST server on 127.0.0.1 for the action's tests: one repository with
 * real git semantics where they matter (blob SHAs as git computes them, commits with parents,
 * refs, merge bases, PR file lists computed from trees), pulls, reviews, issue comments, labels,
 * `commits/{sha}/pulls`, and the REST artifact listing and zip download backed by fake-artifacts.
 *
 * Test-only helpers push commits, approve PRs and merge them; `mergePull` returns the push event
 * payload GitHub would send. Octokit percent-encodes path parameters (`heads%2Fmain`), so paths
 * are decoded before routes are matched.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FakeArtifacts } from './fake-artifacts.js';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  headRef: string;
  /** Set when the PR closes or merges; while open the head follows the branch. */
  headShaFrozen: string | null;
  baseRef: string;
  /** Where the base branch was when the PR was opened (for the merge base). */
  baseShaAtOpen: string;
  user: FakeUser;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: FakeUser | null;
  /** A PR from a fork: head.repo is another repository. */
  fromFork: boolean;
  draft: boolean;
}

export interface FakeReview {
  id: number;
  pull: number;
  user: FakeUser;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  submittedAt: string;
  body: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: string;
  body: unknown;
  authorization: string | undefined;
  status: number;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Files of the first commit on the default branch. */
  files?: Record<string, string>;
  /** The token the API accepts; any other gets 401. */
  token?: string;
  /** Tokens that may read but not write (a fork PR's token): writes answer 403. */
  readOnlyTokens?: string[];
  /** The user the token acts as (GITHUB_TOKEN acts as github-actions[bot]). */
  actor?: FakeUser;
  artifacts?: FakeArtifacts;
  now?: () => Date;
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function gitBlobSha(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}

type Json = Record<string, unknown>;

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly requests: RecordedRequest[] = [];
  readonly pulls: FakePull[] = [];
  readonly reviews: FakeReview[] = [];
  readonly comments: FakeComment[] = [];
  /** Branch name → commit sha. */
  readonly branches = new Map<string, string>();
  url = '';

  private readonly blobs = new Map<string, Buffer>();
  /** Tree sha → flat map of path → blob sha. */
  private readonly trees = new Map<string, Map<string, string>>();
  private readonly commits = new Map<string, Commit>();
  private readonly token: string | undefined;
  private readonly readOnlyTokens: Set<string>;
  private readonly actor: FakeUser;
  private readonly artifacts: FakeArtifacts | undefined;
  private readonly now: () => Date;
  private nextIssue = 1;
  private nextId = 900001;
  private commitCounter = 0;
  private server: Server | undefined;

  constructor(options: FakeGitHubOptions = {}) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'licences';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.token = options.token;
    this.readOnlyTokens = new Set(options.readOnlyTokens ?? []);
    this.actor = options.actor ?? ACTIONS_BOT;
    this.artifacts = options.artifacts;
    this.now = options.now ?? (() => new Date());
    const tree = this.storeTree(
      new Map(
        Object.entries(options.files ?? { 'README.md': '# licences\n' }).map(([p, c]) => [
          p,
          this.storeBlob(Buffer.from(c)),
        ]),
      ),
    );
    this.branches.set(this.defaultBranch, this.storeCommit(tree, [], 'Initial commit'));
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.send(res, 500, { message: String(e) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close((e) => (e ? reject(e) : resolve()));
    });
  }

  // ---- git objects -------------------------------------------------------------------------

  private storeBlob(content: Buffer): string {
    const sha = gitBlobSha(content);
    this.blobs.set(sha, content);
    return sha;
  }

  private storeTree(entries: Map<string, string>): string {
    const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = sha1(`tree\n${sorted.map(([p, s]) => `${p}\0${s}`).join('\n')}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  private storeCommit(tree: string, parents: string[], message: string): string {
    const date = this.now().toISOString();
    const sha = sha1(
      `commit ${tree} ${parents.join(',')} ${message} ${date} ${this.commitCounter++}`,
    );
    this.commits.set(sha, { sha, tree, parents, message, date });
    return sha;
  }

  private commit(sha: string): Commit {
    const commit = this.commits.get(sha);
    if (!commit) throw new HttpError(404, 'No commit found for SHA: ' + sha);
    return commit;
  }

  private treeOf(commitSha: string): Map<string, string> {
    return this.trees.get(this.commit(commitSha).tree)!;
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...this.commit(s).parents);
    }
    return seen;
  }

  private mergeBase(a: string, b: string): string {
    const ofA = this.ancestors(a);
    // Breadth-first from b: the first commit that a also reaches.
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length) {
      const s = queue.shift()!;
      if (ofA.has(s)) return s;
      if (seen.has(s)) continue;
      seen.add(s);
      queue.push(...this.commit(s).parents);
    }
    throw new Error(`no merge base for ${a} and ${b}`);
  }

  /** Files that differ from `fromTree` to `toTree`, as GitHub lists them. */
  private diff(from: Map<string, string>, to: Map<string, string>) {
    const files: Array<{
      filename: string;
      status: 'added' | 'modified' | 'removed';
      sha: string | null;
    }> = [];
    for (const [p, s] of to) {
      if (!from.has(p)) files.push({ filename: p, status: 'added', sha: s });
      else if (from.get(p) !== s) files.push({ filename: p, status: 'modified', sha: s });
    }
    for (const [p] of from)
      if (!to.has(p)) files.push({ filename: p, status: 'removed', sha: null });
    return files.sort((x, y) => (x.filename < y.filename ? -1 : 1));
  }

  // ---- test helpers ------------------------------------------------------------------------

  /** Commits file changes (null deletes) on a branch, creating it from the default branch if new. */
  pushCommit(branch: string, changes: Record<string, string | null>, message = 'Update'): string {
    const parent = this.branches.get(branch) ?? this.branches.get(this.defaultBranch)!;
    const tree = new Map(this.treeOf(parent));
    for (const [p, c] of Object.entries(changes)) {
      if (c === null) tree.delete(p);
      else tree.set(p, this.storeBlob(Buffer.from(c)));
    }
    const sha = this.storeCommit(this.storeTree(tree), [parent], message);
    this.branches.set(branch, sha);
    return sha;
  }

  /** The files of a branch or commit. */
  files(ref: string): Record<string, string> {
    const sha = this.branches.get(ref) ?? ref;
    return Object.fromEntries(
      [...this.treeOf(sha)].map(([p, s]) => [p, this.blobs.get(s)!.toString('utf8')]),
    );
  }

  readFile(ref: string, file: string): string | null {
    return this.files(ref)[file] ?? null;
  }

  /** Writes a branch's or commit's files into a directory, like actions/checkout. */
  checkout(ref: string, dir: string): string {
    const sha = this.branches.get(ref) ?? ref;
    for (const [p, s] of this.treeOf(sha)) {
      const target = path.join(dir, p);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, this.blobs.get(s)!);
    }
    return sha;
  }

  head(branch: string): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`no branch ${branch}`);
    return sha;
  }

  /** Commits of a branch from newest, with their messages (first parents only). */
  log(branch: string): Array<{ sha: string; message: string; parents: string[] }> {
    const out = [];
    let sha: string | undefined = this.branches.get(branch);
    while (sha) {
      const c = this.commit(sha);
      out.push({ sha, message: c.message, parents: c.parents });
      sha = c.parents[0];
    }
    return out;
  }

  pull(number: number): FakePull {
    const pr = this.pulls.find((p) => p.number === number);
    if (!pr) throw new HttpError(404, 'Not Found');
    return pr;
  }

  headSha(pr: FakePull): string {
    return pr.headShaFrozen ?? this.branches.get(pr.headRef) ?? pr.baseShaAtOpen;
  }

  /** Opens a PR as a person would (test helper, not the API). */
  openPull(
    head: string,
    title: string,
    options: { base?: string; user?: FakeUser; fromFork?: boolean; body?: string } = {},
  ): FakePull {
    return this.createPull({
      head,
      base: options.base ?? this.defaultBranch,
      title,
      body: options.body ?? null,
      user: options.user ?? { login: 'alice', id: 1001, type: 'User' },
      fromFork: options.fromFork ?? false,
    });
  }

  review(
    number: number,
    login: string,
    state: FakeReview['state'] = 'APPROVED',
    commitId?: string,
  ): FakeReview {
    const pr = this.pull(number);
    const review: FakeReview = {
      id: this.nextId++,
      pull: number,
      user: { login, id: 2000 + login.length, type: 'User' },
      state,
      commitId: commitId ?? this.headSha(pr),
      submittedAt: this.now().toISOString(),
      body: '',
    };
    this.reviews.push(review);
    return review;
  }

  commentsOn(number: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === number);
  }

  /**
   * Merges a PR with a merge commit (as the merge button does) and returns the push event
   * payload for the default branch.
   */
  mergePull(number: number, mergedBy = 'carol'): PushEvent {
    const pr = this.pull(number);
    if (pr.state !== 'open') throw new Error(`PR #${number} is not open`);
    const base = this.head(pr.baseRef);
    const head = this.headSha(pr);
    const mergeBase = this.mergeBase(base, head);
    const tree = new Map(this.treeOf(base));
    for (const f of this.diff(this.treeOf(mergeBase), this.treeOf(head))) {
      if (f.status === 'removed') tree.delete(f.filename);
      else tree.set(f.filename, f.sha!);
    }
    const message = `Merge pull request #${number} from ${this.owner}/${pr.headRef}\n\n${pr.title}`;
    const mergeSha = this.storeCommit(this.storeTree(tree), [base, head], message);
    this.branches.set(pr.baseRef, mergeSha);
    const at = this.now().toISOString();
    Object.assign(pr, {
      state: 'closed',
      headShaFrozen: head,
      mergedAt: at,
      closedAt: at,
      updatedAt: at,
      mergeCommitSha: mergeSha,
      mergedBy: { login: mergedBy, id: 3000, type: 'User' },
    });
    // The push lists the commits new to the base branch, oldest first, then the merge commit.
    const newShas = [...this.ancestors(mergeSha)].filter((s) => !this.ancestors(base).has(s));
    const ordered = newShas.sort((a, b) => this.ancestors(a).size - this.ancestors(b).size);
    const commits = ordered.map((s) => this.pushCommitEntry(s));
    return {
      ref: `refs/heads/${pr.baseRef}`,
      before: base,
      after: mergeSha,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      commits,
      head_commit: commits[commits.length - 1],
      pusher: { name: mergedBy },
      sender: { login: mergedBy },
      repository: this.repositoryJson(),
    };
  }

  /** A push event for a direct push to a branch (no PR). */
  pushEvent(branch: string, before: string): PushEvent {
    const after = this.head(branch);
    const newShas = [...this.ancestors(after)].filter((s) => !this.ancestors(before).has(s));
    const ordered = newShas.sort((a, b) => this.ancestors(a).size - this.ancestors(b).size);
    const commits = ordered.map((s) => this.pushCommitEntry(s));
    return {
      ref: `refs/heads/${branch}`,
      before,
      after,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      commits,
      head_commit: commits[commits.length - 1] ?? null,
      pusher: { name: 'mallory' },
      sender: { login: 'mallory' },
      repository: this.repositoryJson(),
    };
  }

  private pushCommitEntry(sha: string): PushCommit {
    const c = this.commit(sha);
    const files = this.diff(c.parents[0] ? this.treeOf(c.parents[0]) : new Map(), this.treeOf(sha));
    return {
      id: sha,
      tree_id: c.tree,
      distinct: true,
      message: c.message,
      timestamp: c.date,
      added: files.filter((f) => f.status === 'added').map((f) => f.filename),
      removed: files.filter((f) => f.status === 'removed').map((f) => f.filename),
      modified: files.filter((f) => f.status === 'modified').map((f) => f.filename),
    };
  }

  /** The payload of a `pull_request` event for an open PR. */
  pullRequestEvent(number: number, action = 'synchronize'): Json {
    const pr = this.pull(number);
    return {
      action,
      number,
      pull_request: this.pullJson(pr),
      repository: this.repositoryJson(),
      sender: { login: pr.user.login },
    };
  }

  scheduleEvent(): Json {
    return { schedule: '17 6 * * 1-5', repository: this.repositoryJson() };
  }

  dispatchEvent(inputs: Record<string, string> = {}): Json {
    return {
      inputs,
      ref: `refs/heads/${this.defaultBranch}`,
      repository: this.repositoryJson(),
      sender: { login: 'carol' },
      workflow: '.github/workflows/license-policy.yml',
    };
  }

  repositoryJson(): Json {
    return {
      id: 123456,
      name: this.repo,
      full_name: this.fullName,
      owner: { login: this.owner, id: 654321, type: 'Organization' },
      private: true,
      default_branch: this.defaultBranch,
      fork: false,
      html_url: `https://github.com/${this.fullName}`,
    };
  }

  // ---- JSON shapes -------------------------------------------------------------------------

  private userJson(user: FakeUser): Json {
    return { login: user.login, id: user.id, type: user.type };
  }

  pullJson(pr: FakePull): Json {
    const headRepo = pr.fromFork
      ? {
          full_name: `fork-owner/${this.repo}`,
          name: this.repo,
          owner: { login: 'fork-owner' },
          fork: true,
        }
      : this.repositoryJson();
    return {
      url: `${this.url}/repos/${this.fullName}/pulls/${pr.number}`,
      html_url: `https://github.com/${this.fullName}/pull/${pr.number}`,
      id: 500000 + pr.number,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      user: this.userJson(pr.user),
      labels: pr.labels.map((name, i) => ({ id: 100 + i, name })),
      draft: pr.draft,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
      merge_commit_sha: pr.mergeCommitSha,
      head: {
        label: `${pr.fromFork ? 'fork-owner' : this.owner}:${pr.headRef}`,
        ref: pr.headRef,
        sha: this.headSha(pr),
        repo: headRepo,
      },
      base: {
        label: `${this.owner}:${pr.baseRef}`,
        ref: pr.baseRef,
        sha: this.branches.get(pr.baseRef) ?? pr.baseShaAtOpen,
        repo: this.repositoryJson(),
      },
    };
  }

  /** The single-PR endpoint adds fields the list omits. */
  private fullPullJson(pr: FakePull): Json {
    return {
      ...this.pullJson(pr),
      merged: pr.mergedAt !== null,
      merged_by: pr.mergedBy ? this.userJson(pr.mergedBy) : null,
      mergeable: pr.state === 'open' ? true : null,
      commits: 1,
      changed_files: this.pullFiles(pr).length,
    };
  }

  private pullFiles(pr: FakePull) {
    const head = this.headSha(pr);
    const base = pr.mergedAt
      ? this.commit(pr.mergeCommitSha!).parents[0]
      : (this.branches.get(pr.baseRef) ?? pr.baseShaAtOpen);
    const mergeBase = this.mergeBase(base, head);
    return this.diff(this.treeOf(mergeBase), this.treeOf(head));
  }

  private commentJson(c: FakeComment): Json {
    return {
      id: c.id,
      body: c.body,
      user: this.userJson(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      html_url: `https://github.com/${this.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
    };
  }

  private createPull(args: {
    head: string;
    base: string;
    title: string;
    body: string | null;
    user: FakeUser;
    fromFork: boolean;
    draft?: boolean;
  }): FakePull {
    if (!this.branches.has(args.base))
      throw new HttpError(422, 'Validation Failed: base does not exist');
    if (!args.fromFork && !this.branches.has(args.head))
      throw new HttpError(422, 'Validation Failed: head does not exist');
    if (
      this.pulls.some(
        (p) =>
          p.state === 'open' && p.headRef === args.head && p.baseRef === args.base && !p.fromFork,
      )
    ) {
      throw new HttpError(
        422,
        `Validation Failed: A pull request already exists for ${this.owner}:${args.head}.`,
      );
    }
    const at = this.now().toISOString();
    const pr: FakePull = {
      number: this.nextIssue++,
      state: 'open',
      title: args.title,
      body: args.body,
      headRef: args.head,
      headShaFrozen: null,
      baseRef: args.base,
      baseShaAtOpen: this.branches.get(args.base)!,
      user: args.user,
      labels: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      fromFork: args.fromFork,
      draft: args.draft ?? false,
    };
    this.pulls.push(pr);
    return pr;
  }

  private closePull(pr: FakePull): void {
    if (pr.state === 'closed') return;
    const at = this.now().toISOString();
    pr.headShaFrozen = this.headSha(pr);
    pr.state = 'closed';
    pr.closedAt = at;
    pr.updatedAt = at;
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'content-length': String(Buffer.byteLength(payload)),
      'x-github-request-id': `FAKE:${this.requests.length}`,
      ...headers,
    });
    res.end(payload);
  }

  private page<T>(res: ServerResponse, url: URL, items: T[], wrap?: (page: T[]) => unknown) {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? '30') || 30, 100);
    const pageNo = Math.max(Number(url.searchParams.get('page') ?? '1') || 1, 1);
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const headers: Record<string, string> = {};
    if (pageNo * perPage < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(pageNo + 1));
      next.searchParams.set('per_page', String(perPage));
      headers['link'] = `<${this.url}${next.pathname}${next.search}>; rel="next"`;
    }
    this.send(res, 200, wrap ? wrap(slice) : slice, headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const decoded = decodeURIComponent(url.pathname);
    let body: unknown;
    const record: RecordedRequest = {
      method,
      path: decoded,
      query: url.search,
      body: undefined,
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const reply = (status: number, payload?: unknown, headers?: Record<string, string>) => {
      record.status = status;
      this.send(res, status, payload, headers);
    };
    try {
      body = await readBody(req);
      record.body = body;
      const token = (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '');
      if (this.token !== undefined && token !== this.token && !this.readOnlyTokens.has(token)) {
        throw new HttpError(401, 'Bad credentials');
      }
      if (method !== 'GET' && this.readOnlyTokens.has(token)) {
        throw new HttpError(403, 'Resource not accessible by integration');
      }
      const prefix = `/repos/${this.owner}/${this.repo}`;
      if (!decoded.startsWith(prefix)) throw new HttpError(404, 'Not Found');
      const route = decoded.slice(prefix.length) || '/';
      const accept = req.headers.accept ?? '';
      const result = this.route(method, route, url, (body ?? {}) as Json, res, record, accept);
      if (result === 'handled') return;
      reply(result.status, result.body, result.headers);
    } catch (e: unknown) {
      if (e instanceof HttpError) {
        reply(e.status, {
          message: e.message,
          documentation_url: 'https://docs.github.com/rest',
          status: String(e.status),
        });
      } else {
        reply(500, { message: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private route(
    method: string,
    route: string,
    url: URL,
    body: Json,
    res: ServerResponse,
    record: RecordedRequest,
    accept: string,
  ): { status: number; body?: unknown; headers?: Record<string, string> } | 'handled' {
    const ok = (payload: unknown, status = 200) => ({ status, body: payload });
    const paged = <T>(items: T[], wrap?: (page: T[]) => unknown) => {
      record.status = 200;
      this.page(res, url, items, wrap);
      return 'handled' as const;
    };
    let m: RegExpExecArray | null;
    const is = (verb: string, re: RegExp) => method === verb && (m = re.exec(route)) !== null;
    const str = (key: string): string => {
      const v = body[key];
      if (typeof v !== 'string') throw new HttpError(422, `Validation Failed: ${key} is required`);
      return v;
    };

    if (is('GET', /^\/?$/)) return ok(this.repositoryJson());

    // refs and branches
    if (is('GET', /^\/git\/ref\/heads\/(.+)$/) || is('GET', /^\/git\/refs\/heads\/(.+)$/)) {
      const sha = this.branches.get(m![1]);
      if (!sha) throw new HttpError(404, 'Not Found');
      return ok({ ref: `refs/heads/${m![1]}`, object: { sha, type: 'commit' } });
    }
    if (is('GET', /^\/branches\/(.+)$/)) {
      const sha = this.branches.get(m![1]);
      if (!sha) throw new HttpError(404, 'Branch not found');
      return ok({ name: m![1], commit: { sha }, protected: m![1] === this.defaultBranch });
    }
    if (is('POST', /^\/git\/refs$/)) {
      const ref = str('ref');
      const sha = str('sha');
      if (!ref.startsWith('refs/heads/'))
        throw new HttpError(422, 'Reference name must start with refs/heads/');
      this.commit(sha);
      const name = ref.slice('refs/heads/'.length);
      if (this.branches.has(name)) throw new HttpError(422, 'Reference already exists');
      this.branches.set(name, sha);
      return ok({ ref, object: { sha, type: 'commit' } }, 201);
    }
    if (is('PATCH', /^\/git\/refs\/heads\/(.+)$/)) {
      const name = m![1];
      const current = this.branches.get(name);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      const sha = str('sha');
      this.commit(sha);
      if (body['force'] !== true && !this.ancestors(sha).has(current)) {
        throw new HttpError(422, 'Update is not a fast forward');
      }
      this.branches.set(name, sha);
      return ok({ ref: `refs/heads/${name}`, object: { sha, type: 'commit' } });
    }
    if (is('DELETE', /^\/git\/refs\/heads\/(.+)$/)) {
      const name = m![1];
      if (!this.branches.has(name)) throw new HttpError(422, 'Reference does not exist');
      // GitHub closes open PRs whose head branch is deleted.
      for (const pr of this.pulls)
        if (pr.state === 'open' && pr.headRef === name && !pr.fromFork) this.closePull(pr);
      this.branches.delete(name);
      return { status: 204 };
    }

    // git data
    if (is('POST', /^\/git\/blobs$/)) {
      const content = str('content');
      const encoding = body['encoding'] === 'base64' ? 'base64' : 'utf8';
      const sha = this.storeBlob(Buffer.from(content, encoding));
      return ok({ sha, url: `${this.url}/repos/${this.fullName}/git/blobs/${sha}` }, 201);
    }
    if (is('GET', /^\/git\/blobs\/([0-9a-f]{40})$/)) {
      const blob = this.blobs.get(m![1]);
      if (!blob) throw new HttpError(404, 'Not Found');
      return ok({
        sha: m![1],
        size: blob.length,
        encoding: 'base64',
        content: blob.toString('base64'),
      });
    }
    if (is('POST', /^\/git\/trees$/)) {
      const baseTree = typeof body['base_tree'] === 'string' ? body['base_tree'] : null;
      const entries = new Map<string, string>(baseTree ? (this.trees.get(baseTree) ?? []) : []);
      if (baseTree && !this.trees.has(baseTree))
        throw new HttpError(422, 'base_tree is not a tree');
      const items = body['tree'];
      if (!Array.isArray(items)) throw new HttpError(422, 'Validation Failed: tree is required');
      for (const item of items as Json[]) {
        const p = String(item['path']);
        if (item['type'] !== undefined && item['type'] !== 'blob')
          throw new HttpError(422, 'only blob entries are supported');
        if (item['sha'] === null) {
          entries.delete(p);
        } else if (typeof item['content'] === 'string') {
          entries.set(p, this.storeBlob(Buffer.from(item['content'], 'utf8')));
        } else if (typeof item['sha'] === 'string' && this.blobs.has(item['sha'])) {
          entries.set(p, item['sha']);
        } else {
          throw new HttpError(422, `tree entry ${p} has no content and no known blob sha`);
        }
      }
      const sha = this.storeTree(entries);
      return ok({ sha, tree: this.treeEntries(entries), truncated: false }, 201);
    }
    if (is('GET', /^\/git\/trees\/(.+)$/)) {
      const ref = m![1];
      const treeSha = this.trees.has(ref) ? ref : this.commit(this.branches.get(ref) ?? ref).tree;
      return ok({
        sha: treeSha,
        tree: this.treeEntries(this.trees.get(treeSha)!),
        truncated: false,
      });
    }
    if (is('POST', /^\/git\/commits$/)) {
      const tree = str('tree');
      if (!this.trees.has(tree)) throw new HttpError(422, 'tree is not a tree');
      const parents = (body['parents'] as string[] | undefined) ?? [];
      for (const p of parents) this.commit(p);
      const sha = this.storeCommit(tree, parents, str('message'));
      return ok(this.commitJson(sha), 201);
    }
    if (is('GET', /^\/git\/commits\/([0-9a-f]{40})$/)) return ok(this.commitJson(m![1]));
    if (is('GET', /^\/commits\/([^/]+)\/pulls$/)) {
      const sha = this.branches.get(m![1]) ?? m![1];
      this.commit(sha);
      const prs = this.pulls.filter(
        (pr) =>
          pr.mergeCommitSha === sha ||
          (!pr.fromFork &&
            this.ancestors(this.headSha(pr)).has(sha) &&
            !this.ancestors(pr.baseShaAtOpen).has(sha)),
      );
      return paged(prs.map((pr) => this.pullJson(pr)));
    }
    if (is('GET', /^\/commits\/([^/]+)$/)) {
      const sha = this.branches.get(m![1]) ?? m![1];
      const c = this.commit(sha);
      return ok({
        sha,
        commit: { message: c.message, tree: { sha: c.tree } },
        parents: c.parents.map((p) => ({ sha: p })),
      });
    }
    if (is('GET', /^\/compare\/(.+)\.\.\.(.+)$/)) {
      const base = this.branches.get(m![1]) ?? m![1];
      const head = this.branches.get(m![2]) ?? m![2];
      const files = this.diff(this.treeOf(this.mergeBase(base, head)), this.treeOf(head));
      return ok({ status: 'ahead', files });
    }

    // contents
    if (is('GET', /^\/contents(?:\/(.*))?$/)) {
      const p = (m![1] ?? '').replace(/\/+$/, '');
      const ref = url.searchParams.get('ref') ?? this.defaultBranch;
      const sha = this.branches.get(ref) ?? (this.commits.has(ref) ? ref : undefined);
      if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
      const tree = this.treeOf(sha);
      const blobSha = tree.get(p);
      if (blobSha) {
        const blob = this.blobs.get(blobSha)!;
        if (/application\/vnd\.github(?:\.v3)?\.raw/.test(accept)) {
          record.status = 200;
          res.writeHead(200, {
            'content-type': 'application/vnd.github.raw',
            'content-length': String(blob.length),
          });
          res.end(blob);
          return 'handled';
        }
        return ok({
          type: 'file',
          encoding: 'base64',
          size: blob.length,
          name: path.posix.basename(p),
          path: p,
          sha: blobSha,
          content: blob.toString('base64'),
        });
      }
      const prefix = p === '' ? '' : `${p}/`;
      const children = new Map<string, Json>();
      for (const [file, s] of tree) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const name = rest.split('/')[0];
        const isDir = rest.includes('/');
        children.set(name, {
          type: isDir ? 'dir' : 'file',
          name,
          path: prefix + name,
          sha: isDir ? sha1(`dir ${prefix + name}`) : s,
          size: isDir ? 0 : this.blobs.get(s)!.length,
        });
      }
      if (children.size === 0) throw new HttpError(404, 'Not Found');
      return ok([...children.values()]);
    }
    if (is('PUT', /^\/contents\/(.+)$/)) {
      const p = m![1];
      const branch = typeof body['branch'] === 'string' ? body['branch'] : this.defaultBranch;
      const parent = this.branches.get(branch);
      if (!parent) throw new HttpError(404, `Branch ${branch} not found`);
      const existing = this.treeOf(parent).get(p);
      if (existing && body['sha'] !== existing) {
        throw new HttpError(409, `${p} does not match ${String(body['sha'])}`);
      }
      if (!existing && body['sha'] !== undefined) throw new HttpError(422, "sha wasn't supplied");
      const sha = this.pushCommit(
        branch,
        { [p]: Buffer.from(str('content'), 'base64').toString('utf8') },
        str('message'),
      );
      return ok(
        { content: { path: p, sha: this.treeOf(sha).get(p) }, commit: { sha } },
        existing ? 200 : 201,
      );
    }

    // pulls
    if (is('GET', /^\/pulls$/)) {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const list = this.pulls
        .filter((pr) => state === 'all' || pr.state === state)
        .filter(
          (pr) => !head || `${pr.fromFork ? 'fork-owner' : this.owner}:${pr.headRef}` === head,
        )
        .filter((pr) => !base || pr.baseRef === base)
        .sort((a, b) => b.number - a.number);
      return paged(list.map((pr) => this.pullJson(pr)));
    }
    if (is('POST', /^\/pulls$/)) {
      const pr = this.createPull({
        head: str('head').replace(`${this.owner}:`, ''),
        base: str('base'),
        title: str('title'),
        body: typeof body['body'] === 'string' ? body['body'] : null,
        user: this.actor,
        fromFork: false,
        draft: body['draft'] === true,
      });
      return ok(this.fullPullJson(pr), 201);
    }
    if (is('GET', /^\/pulls\/(\d+)$/)) return ok(this.fullPullJson(this.pull(Number(m![1]))));
    if (is('PATCH', /^\/pulls\/(\d+)$/)) {
      const pr = this.pull(Number(m![1]));
      if (typeof body['title'] === 'string') pr.title = body['title'];
      if (typeof body['body'] === 'string') pr.body = body['body'];
      if (body['state'] === 'closed') this.closePull(pr);
      if (body['state'] === 'open' && pr.state === 'closed' && !pr.mergedAt) {
        pr.state = 'open';
        pr.headShaFrozen = null;
        pr.closedAt = null;
      }
      pr.updatedAt = this.now().toISOString();
      return ok(this.fullPullJson(pr));
    }
    if (is('GET', /^\/pulls\/(\d+)\/files$/)) {
      const pr = this.pull(Number(m![1]));
      return paged(
        this.pullFiles(pr).map((f) => ({ ...f, additions: 1, deletions: 0, changes: 1 })),
      );
    }
    if (is('GET', /^\/pulls\/(\d+)\/reviews$/)) {
      const n = Number(m![1]);
      this.pull(n);
      return paged(
        this.reviews
          .filter((r) => r.pull === n)
          .map((r) => ({
            id: r.id,
            user: this.userJson(r.user),
            state: r.state,
            commit_id: r.commitId,
            submitted_at: r.submittedAt,
            body: r.body,
          })),
      );
    }
    if (is('POST', /^\/pulls\/(\d+)\/reviews$/)) {
      const n = Number(m![1]);
      const event = typeof body['event'] === 'string' ? body['event'] : 'COMMENT';
      const state =
        event === 'APPROVE'
          ? 'APPROVED'
          : event === 'REQUEST_CHANGES'
            ? 'CHANGES_REQUESTED'
            : 'COMMENTED';
      const review = this.review(
        n,
        this.actor.login,
        state,
        typeof body['commit_id'] === 'string' ? body['commit_id'] : undefined,
      );
      return ok({ id: review.id, state: review.state, commit_id: review.commitId });
    }

    // issue comments and labels
    if (is('GET', /^\/issues\/(\d+)\/comments$/)) {
      const n = Number(m![1]);
      return paged(this.commentsOn(n).map((c) => this.commentJson(c)));
    }
    if (is('POST', /^\/issues\/(\d+)\/comments$/)) {
      const n = Number(m![1]);
      this.pull(n);
      const at = this.now().toISOString();
      const comment: FakeComment = {
        id: this.nextId++,
        issue: n,
        body: str('body'),
        user: this.actor,
        createdAt: at,
        updatedAt: at,
      };
      if (comment.body.length > 65536)
        throw new HttpError(
          422,
          'Validation Failed: body is too long (maximum is 65536 characters)',
        );
      this.comments.push(comment);
      return ok(this.commentJson(comment), 201);
    }
    if (is('PATCH', /^\/issues\/comments\/(\d+)$/)) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) throw new HttpError(404, 'Not Found');
      const text = str('body');
      if (text.length > 65536)
        throw new HttpError(
          422,
          'Validation Failed: body is too long (maximum is 65536 characters)',
        );
      comment.body = text;
      comment.updatedAt = this.now().toISOString();
      return ok(this.commentJson(comment));
    }
    if (is('DELETE', /^\/issues\/comments\/(\d+)$/)) {
      const i = this.comments.findIndex((c) => c.id === Number(m![1]));
      if (i < 0) throw new HttpError(404, 'Not Found');
      this.comments.splice(i, 1);
      return { status: 204 };
    }
    if (is('GET', /^\/issues\/(\d+)\/labels$/)) {
      return paged(this.pull(Number(m![1])).labels.map((name) => ({ name })));
    }
    if (is('POST', /^\/issues\/(\d+)\/labels$/) || is('PUT', /^\/issues\/(\d+)\/labels$/)) {
      const pr = this.pull(Number(m![1]));
      const labels = (Array.isArray(body) ? body : body['labels']) as string[] | undefined;
      if (!Array.isArray(labels)) throw new HttpError(422, 'Validation Failed: labels');
      pr.labels = method === 'PUT' ? [...labels] : [...new Set([...pr.labels, ...labels])];
      return ok(pr.labels.map((name) => ({ name })));
    }
    if (is('DELETE', /^\/issues\/(\d+)\/labels\/(.+)$/)) {
      const pr = this.pull(Number(m![1]));
      if (!pr.labels.includes(m![2])) throw new HttpError(404, 'Label does not exist');
      pr.labels = pr.labels.filter((l) => l !== m![2]);
      return ok(pr.labels.map((name) => ({ name })));
    }

    // artifacts
    if (is('GET', /^\/actions\/artifacts$/) || is('GET', /^\/actions\/runs\/(\d+)\/artifacts$/)) {
      const runId = route.startsWith('/actions/runs/') ? m![1] : null;
      const name = url.searchParams.get('name');
      const list = (this.artifacts?.artifacts ?? [])
        .filter(
          (a) => a.finalized && (!name || a.name === name) && (!runId || a.runBackendId === runId),
        )
        .sort((a, b) => b.id - a.id)
        .map((a) => this.artifactJson(a));
      return paged(list, (page) => ({ total_count: list.length, artifacts: page }));
    }
    if (is('GET', /^\/actions\/artifacts\/(\d+)$/)) {
      const a = this.artifacts?.artifacts.find((x) => x.id === Number(m![1]) && x.finalized);
      if (!a) throw new HttpError(404, 'Not Found');
      return ok(this.artifactJson(a));
    }
    if (is('GET', /^\/actions\/artifacts\/(\d+)\/zip$/)) {
      const a = this.artifacts?.artifacts.find((x) => x.id === Number(m![1]) && x.finalized);
      if (!a) throw new HttpError(404, 'Not Found');
      if (a.expiresAt && new Date(a.expiresAt) < this.now())
        throw new HttpError(410, 'Artifact has expired');
      return { status: 302, headers: { location: this.artifacts!.downloadUrl(a.id) } };
    }

    throw new HttpError(404, `Not Found (${method} ${route})`);
  }

  private artifactJson(a: FakeArtifacts['artifacts'][number]): Json {
    return {
      id: a.id,
      node_id: `A_${a.id}`,
      name: a.name,
      size_in_bytes: a.size,
      url: `${this.url}/repos/${this.fullName}/actions/artifacts/${a.id}`,
      archive_download_url: `${this.url}/repos/${this.fullName}/actions/artifacts/${a.id}/zip`,
      expired: a.expiresAt ? new Date(a.expiresAt) < this.now() : false,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: a.expiresAt,
      digest: a.hash,
      workflow_run: {
        id: Number(a.runBackendId),
        head_branch: this.defaultBranch,
        head_sha: this.head(this.defaultBranch),
      },
    };
  }

  private treeEntries(entries: Map<string, string>): Json[] {
    return [...entries].map(([p, s]) => ({
      path: p,
      mode: '100644',
      type: 'blob',
      sha: s,
      size: this.blobs.get(s)?.length ?? 0,
    }));
  }

  private commitJson(sha: string): Json {
    const c = this.commit(sha);
    return {
      sha,
      tree: { sha: c.tree },
      parents: c.parents.map((p) => ({ sha: p })),
      message: c.message,
      author: {
        name: 'github-actions[bot]',
        email: '41898282+github-actions[bot]@users.noreply.github.com',
        date: c.date,
      },
      committer: { name: 'GitHub', email: 'noreply@github.com', date: c.date },
    };
  }
}

export interface PushCommit {
  id: string;
  tree_id: string;
  distinct: boolean;
  message: string;
  timestamp: string;
  added: string[];
  removed: string[];
  modified: string[];
}

export interface PushEvent {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  base_ref: null;
  commits: PushCommit[];
  head_commit: PushCommit | null;
  pusher: { name: string };
  sender: { login: string };
  repository: Json;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
