import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createOctokit } from '../../../src/github/client.js';
import { Branches } from '../../../src/github/branches.js';
import { Comments, fitGitHubText, stickyMarker } from '../../../src/github/comments.js';
import { Pulls } from '../../../src/github/pulls.js';
import { GitHubApiError } from '../../../src/github/client.js';
import { gitBlobSha, startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';

const TOKEN = 'ghs_unitTestToken';

describe('the GitHub adapter against the fake GitHub', () => {
  let gh: FakeGitHub;
  let branches: Branches;
  let pulls: Pulls;
  let comments: Comments;

  beforeEach(async () => {
    gh = await startFakeGitHub({
      token: TOKEN,
      files: { 'policies/base.yml': 'version: 1\n', 'plans/2026-01-01-00000000.json': '{}\n' },
    });
    const octokit = createOctokit(TOKEN, gh.url);
    const repo = { owner: gh.owner, repo: gh.repo };
    branches = new Branches(octokit, repo);
    pulls = new Pulls(octokit, repo);
    comments = new Comments(octokit, repo);
  });
  afterEach(() => gh.close());

  it('reads a branch head through a percent-encoded ref and a missing branch as null', async () => {
    expect(await branches.headOf('main')).toBe(gh.head('main'));
    expect(await branches.headOf('license-policy/plan')).toBeNull();
    expect(gh.requests.some((r) => r.path.endsWith('/git/ref/heads/license-policy/plan'))).toBe(
      true,
    );
  });

  it('reads files raw and answers null for a missing file, ref or a directory', async () => {
    expect(await branches.readFile('main', 'policies/base.yml')).toBe('version: 1\n');
    expect(await branches.readFile('main', 'policies/none.yml')).toBeNull();
    expect(await branches.readFile('no-such-branch', 'policies/base.yml')).toBeNull();
    expect(await branches.listDirectory('main', 'plans')).toEqual(['2026-01-01-00000000.json']);
  });

  it('creates an orphan branch holding only its own file, then commits on top of it', async () => {
    const first = await branches.commitFiles({
      branch: 'license-policy/state',
      message: 'state',
      changes: async (read) => {
        expect(await read('state.json')).toBeNull();
        return [{ path: 'state.json', content: '{"n":1}\n' }];
      },
    });
    expect(first.created).toBe(true);
    expect(gh.files('license-policy/state')).toEqual({ 'state.json': '{"n":1}\n' });
    expect(gh.log('license-policy/state')).toHaveLength(1);

    await branches.commitFiles({
      branch: 'license-policy/state',
      message: 'state 2',
      changes: async (read) => [
        { path: 'state.json', content: `{"n":${JSON.parse((await read('state.json'))!).n + 1}}\n` },
      ],
    });
    expect(gh.files('license-policy/state')).toEqual({ 'state.json': '{"n":2}\n' });
    expect(gh.log('license-policy/state').map((c) => c.message)).toEqual(['state 2', 'state']);
  });

  it('retries a compare-and-swap when another writer moved the branch', async () => {
    gh.pushCommit('audit', { 'audit/a.csv': 'a\n' });
    let calls = 0;
    await branches.commitFiles({
      branch: 'audit',
      message: 'add b',
      changes: () => {
        calls++;
        // Someone else commits between our read and our ref update, once.
        if (calls === 1) gh.pushCommit('audit', { 'audit/c.csv': 'c\n' });
        return Promise.resolve([{ path: 'audit/b.csv', content: 'b\n' }]);
      },
    });
    expect(calls).toBe(2);
    expect(
      Object.keys(gh.files('audit'))
        .filter((f) => f.startsWith('audit/'))
        .sort(),
    ).toEqual(['audit/a.csv', 'audit/b.csv', 'audit/c.csv']);
  });

  it('rebuilds the plan branch on the default branch, replacing the previous plan file', async () => {
    const main = gh.head('main');
    await branches.commitFiles({
      branch: 'license-policy/plan',
      message: 'plan 1',
      resetTo: main,
      changes: () => Promise.resolve([{ path: 'plans/p1.json', content: '1\n' }]),
    });
    await branches.commitFiles({
      branch: 'license-policy/plan',
      message: 'plan 2',
      resetTo: main,
      changes: () => Promise.resolve([{ path: 'plans/p2.json', content: '2\n' }]),
    });
    const files = gh.files('license-policy/plan');
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith('plans/'))
        .sort(),
    ).toEqual(['plans/2026-01-01-00000000.json', 'plans/p2.json']);
    expect(gh.log('license-policy/plan')[1].sha).toBe(main);
  });

  it('deletes a branch, closing its open PR as GitHub does, and tolerates a missing one', async () => {
    gh.pushCommit('feature', { 'x.txt': 'x' });
    const pr = gh.openPull('feature', 'Feature');
    expect(await branches.deleteBranch('feature')).toBe(true);
    expect(gh.pull(pr.number).state).toBe('closed');
    expect(await branches.deleteBranch('feature')).toBe(false);
  });

  it('finds the open PR from a branch, updates, labels and closes it', async () => {
    gh.pushCommit('license-policy/plan', { 'plans/p.json': '{}' });
    expect(await pulls.openFrom('license-policy/plan', 'main')).toEqual([]);
    const created = await pulls.create({
      head: 'license-policy/plan',
      base: 'main',
      title: 'Plan',
      body: 'body',
    });
    expect(created).toMatchObject({
      state: 'open',
      headRef: 'license-policy/plan',
      mergedAt: null,
    });
    const [open] = await pulls.openFrom('license-policy/plan', 'main');
    expect(open.number).toBe(created.number);
    await pulls.update(created.number, { title: 'Plan 2', body: 'b2' });
    await pulls.addLabels(created.number, ['license-policy']);
    expect(gh.pull(created.number)).toMatchObject({
      title: 'Plan 2',
      body: 'b2',
      labels: ['license-policy'],
    });
    await pulls.close(created.number);
    expect(await pulls.openFrom('license-policy/plan', 'main')).toEqual([]);
  });

  it('lists a PR’s files against the merge base and its reviews with the commit reviewed', async () => {
    gh.pushCommit('license-policy/plan', { 'plans/p.json': '{}\n' });
    const pr = gh.openPull('license-policy/plan', 'Plan');
    gh.pushCommit('main', { 'policies/other.yml': 'version: 1\n' });
    gh.review(pr.number, 'bob', 'APPROVED');
    expect(await pulls.files(pr.number)).toEqual([
      { filename: 'plans/p.json', status: 'added', previousFilename: null },
    ]);
    expect(await pulls.reviews(pr.number)).toEqual([
      expect.objectContaining({
        login: 'bob',
        state: 'APPROVED',
        commitId: gh.head('license-policy/plan'),
        isBot: false,
      }),
    ]);
  });

  it('finds the merged PR of a merge commit', async () => {
    gh.pushCommit('license-policy/plan', { 'plans/p.json': '{}\n' });
    const pr = gh.openPull('license-policy/plan', 'Plan');
    const push = gh.mergePull(pr.number);
    expect(push.head_commit!.added).toEqual(['plans/p.json']);
    const found = await pulls.forCommit(push.after);
    expect(found.map((p) => [p.number, p.headRef, p.mergedAt !== null])).toEqual([
      [pr.number, 'license-policy/plan', true],
    ]);
  });

  it('keeps one sticky comment per kind, edited in place', async () => {
    gh.pushCommit('license-policy/plan', { 'plans/p.json': '{}\n' });
    const pr = gh.openPull('license-policy/plan', 'Plan');
    gh.comments.push({
      id: 1,
      issue: pr.number,
      body: `> quoting ${stickyMarker('plan')}`,
      user: { login: 'bob', id: 5, type: 'User' },
      createdAt: '',
      updatedAt: '',
    });
    const first = await comments.upsertSticky(pr.number, 'plan', 'one', 'the run');
    const second = await comments.upsertSticky(pr.number, 'plan', 'two', 'the run');
    await comments.upsertSticky(pr.number, 'apply', 'applied', 'the run');
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(gh.commentsOn(pr.number).map((c) => c.body)).toEqual([
      `> quoting ${stickyMarker('plan')}`,
      `${stickyMarker('plan')}\ntwo`,
      `${stickyMarker('apply')}\napplied`,
    ]);
  });

  it('fits text into GitHub’s limit and says where the rest is', () => {
    const long = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const fitted = fitGitHubText(long, 'the job summary');
    expect(fitted.length).toBeLessThanOrEqual(65_536);
    expect(fitted).toContain('the full text is in the job summary');
    expect(fitGitHubText('short', 'x')).toBe('short');
  });

  it('names what it was doing when GitHub refuses, never the token', async () => {
    const bad = new Pulls(createOctokit('wrong-token', gh.url), { owner: gh.owner, repo: gh.repo });
    const error = await bad.get(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).message).toMatch(
      /^GitHub API failed while reading PR #1 \(HTTP 401\)/,
    );
    expect((error as GitHubApiError).message).not.toContain('wrong-token');
  });

  it('computes git blob SHAs as git does', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
