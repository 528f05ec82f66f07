/**
 * Branches as the action uses them, through the git data API: read a file at a ref, and commit
 * a set of file changes as one commit on a branch — on top of the branch (state, audit), on a
 * chosen parent with a forced update (the plan branch is rebuilt from the default branch every
 * run), or as the first commit of an orphan branch (state and audit branches hold only their
 * own files). Compare-and-swap on the ref makes concurrent writers retry instead of losing data.
 */
import {
  attempt,
  attemptOrNull,
  GitHubApiError,
  httpStatusOf,
  type Octokit,
  type RepoRef,
} from './client.js';

export interface FileChange {
  path: string;
  /** New content (UTF-8), or null to delete the file. */
  content: string | null;
}

export interface CommitOptions {
  branch: string;
  message: string;
  /**
   * The changes, computed from the file's current content on the branch (null when absent).
   * Called again if another writer moved the branch in the meantime.
   */
  changes: (read: (path: string) => Promise<string | null>) => Promise<FileChange[]>;
  /**
   * Build on this commit instead of the branch's head, and move the branch there even if that
   * is not a fast-forward (the plan branch).
   */
  resetTo?: string;
}

export interface CommitResult {
  sha: string;
  created: boolean;
}

const MAX_ATTEMPTS = 4;

export class Branches {
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
  ) {}

  /** The commit a branch points at, or null when it does not exist. */
  async headOf(branch: string): Promise<string | null> {
    const ref = await attemptOrNull(`reading branch ${branch}`, () =>
      this.octokit.rest.git.getRef({ ...this.repo, ref: `heads/${branch}` }),
    );
    return ref ? ref.data.object.sha : null;
  }

  /** A file's text at a branch or commit, or null when the ref or the file does not exist. */
  async readFile(ref: string, path: string): Promise<string | null> {
    const response = await attemptOrNull(`reading ${path} at ${ref}`, () =>
      this.octokit.rest.repos.getContent({ ...this.repo, path, ref, mediaType: { format: 'raw' } }),
    );
    if (response === null) return null;
    const data: unknown = response.data;
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    // A directory answers with a listing: there is no file at that path.
    return null;
  }

  /** File names directly inside a directory at a ref (empty when it does not exist). */
  async listDirectory(ref: string, dir: string): Promise<string[]> {
    const response = await attemptOrNull(`listing ${dir} at ${ref}`, () =>
      this.octokit.rest.repos.getContent({ ...this.repo, path: dir, ref }),
    );
    if (response === null || !Array.isArray(response.data)) return [];
    return response.data.filter((e) => e.type === 'file').map((e) => e.name);
  }

  /** Every file below a directory at a ref, with its text (a policy directory is small). */
  async filesUnder(ref: string, dir: string): Promise<Array<{ path: string; content: string }>> {
    const tree = await attemptOrNull(`listing ${dir} at ${ref}`, () =>
      this.octokit.rest.git.getTree({ ...this.repo, tree_sha: ref, recursive: 'true' }),
    );
    if (tree === null) return [];
    const prefix = `${dir.replace(/\/+$/, '')}/`;
    const paths = tree.data.tree
      .filter((e) => e.type === 'blob' && e.path.startsWith(prefix))
      .map((e) => e.path)
      .sort();
    const files = [];
    for (const file of paths) {
      const content = await this.readFile(ref, file);
      if (content !== null) files.push({ path: file, content });
    }
    return files;
  }

  async commitFiles(options: CommitOptions): Promise<CommitResult> {
    for (let attemptNo = 1; ; attemptNo++) {
      const head = await this.headOf(options.branch);
      const parent = options.resetTo ?? head;
      const read = async (path: string) => (parent ? this.readFile(parent, path) : null);
      const changes = await options.changes(read);
      const sha = await this.writeCommit(parent, changes, options.message);
      try {
        if (head === null) {
          await this.octokit.rest.git.createRef({
            ...this.repo,
            ref: `refs/heads/${options.branch}`,
            sha,
          });
          return { sha, created: true };
        }
        await this.octokit.rest.git.updateRef({
          ...this.repo,
          ref: `heads/${options.branch}`,
          sha,
          force: options.resetTo !== undefined,
        });
        return { sha, created: false };
      } catch (error: unknown) {
        // 422: the ref exists already or moved (not a fast-forward): someone else wrote it.
        if (httpStatusOf(error) === 422 && attemptNo < MAX_ATTEMPTS) continue;
        throw new GitHubApiError(`updating branch ${options.branch}`, error);
      }
    }
  }

  private async writeCommit(
    parent: string | null,
    changes: FileChange[],
    message: string,
  ): Promise<string> {
    const baseTree = parent
      ? (
          await attempt(`reading commit ${parent}`, () =>
            this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: parent }),
          )
        ).data.tree.sha
      : undefined;
    const tree: Array<{ path: string; mode: '100644'; type: 'blob'; sha: string | null }> = [];
    for (const change of changes) {
      if (change.content === null) {
        tree.push({ path: change.path, mode: '100644' as const, type: 'blob' as const, sha: null });
        continue;
      }
      const content = change.content;
      const blob = await attempt(`uploading ${change.path}`, () =>
        this.octokit.rest.git.createBlob({
          ...this.repo,
          content: Buffer.from(content, 'utf8').toString('base64'),
          encoding: 'base64',
        }),
      );
      tree.push({
        path: change.path,
        mode: '100644' as const,
        type: 'blob' as const,
        sha: blob.data.sha,
      });
    }
    const newTree = await attempt('writing a tree', () =>
      this.octokit.rest.git.createTree({
        ...this.repo,
        tree,
        ...(baseTree ? { base_tree: baseTree } : {}),
      }),
    );
    const commit = await attempt('writing a commit', () =>
      this.octokit.rest.git.createCommit({
        ...this.repo,
        message,
        tree: newTree.data.sha,
        parents: parent ? [parent] : [],
      }),
    );
    return commit.data.sha;
  }

  /** Deletes a branch; a branch that is already gone is fine. */
  async deleteBranch(branch: string): Promise<boolean> {
    try {
      await this.octokit.rest.git.deleteRef({ ...this.repo, ref: `heads/${branch}` });
      return true;
    } catch (error: unknown) {
      const status = httpStatusOf(error);
      if (status === 404 || status === 422) return false;
      throw new GitHubApiError(`deleting branch ${branch}`, error);
    }
  }
}
