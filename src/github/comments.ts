/**
 * Sticky comments: one comment per kind per PR, found by a hidden marker on its first line and
 * edited in place on later runs, so a PR never collects a comment per run.
 */
import { attempt, type Octokit, type RepoRef } from './client.js';

/** GitHub refuses issue comments and PR bodies longer than this (characters). */
export const GITHUB_TEXT_LIMIT = 65_536;

export type StickyKind = 'plan' | 'newer-plan' | 'apply' | 'preview' | 'plan-check';

export function stickyMarker(kind: StickyKind): string {
  return `<!-- license-policy:${kind} -->`;
}

/**
 * Fits text into GitHub's limit as a last resort (the renderers fit their own content and say
 * what they left out): cuts at a line break and says where the full text is.
 */
export function fitGitHubText(text: string, whereFull: string, limit = GITHUB_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = `\n\n_…cut to fit GitHub's ${limit.toLocaleString('en-US')}-character limit; the full text is in ${whereFull}._\n`;
  const room = limit - note.length;
  const cut = text.lastIndexOf('\n', room);
  return text.slice(0, cut > room / 2 ? cut : room) + note;
}

export interface StickyResult {
  id: number;
  created: boolean;
}

export class Comments {
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
  ) {}

  /** The existing comment of this kind, if any: the first whose body starts with the marker. */
  async findSticky(issue: number, kind: StickyKind): Promise<{ id: number; body: string } | null> {
    const marker = stickyMarker(kind);
    const comments = await attempt(`listing the comments of #${issue}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...this.repo,
        issue_number: issue,
        per_page: 100,
      }),
    );
    const found = comments.find((c) => (c.body ?? '').startsWith(marker));
    return found ? { id: found.id, body: found.body ?? '' } : null;
  }

  /** Creates the comment of this kind, or edits the one an earlier run left. */
  async upsertSticky(
    issue: number,
    kind: StickyKind,
    markdown: string,
    whereFull: string,
  ): Promise<StickyResult> {
    const marker = stickyMarker(kind);
    const body = fitGitHubText(`${marker}\n${markdown}`, whereFull);
    const existing = await this.findSticky(issue, kind);
    if (existing) {
      if (existing.body !== body) {
        await attempt(`updating comment ${existing.id}`, () =>
          this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: existing.id, body }),
        );
      }
      return { id: existing.id, created: false };
    }
    const { data } = await attempt(`commenting on #${issue}`, () =>
      this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issue, body }),
    );
    return { id: data.id, created: true };
  }
}
