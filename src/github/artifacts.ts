/**
 * Workflow artifacts: upload the audit CSV and the snapshot a plan used (through the runner's
 * artifact service), and find and download the latest snapshot from another run (through the
 * REST API), which is how a pull-request job previews a policy change without the Atlassian key.
 * GHES has no artifact service: uploads there report `unsupported` and the caller carries on.
 */
import { DefaultArtifactClient, GHESNotSupportedError } from '@actions/artifact';
import path from 'node:path';
import { attempt, type Octokit, type RepoRef } from './client.js';

export type UploadOutcome =
  | { kind: 'uploaded'; id: number; name: string; size: number }
  | { kind: 'unsupported'; reason: string };

export interface FoundArtifact {
  id: number;
  name: string;
  createdAt: string | null;
  runId: number | null;
  headSha: string | null;
}

export class Artifacts {
  private readonly client = new DefaultArtifactClient();

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly token: string,
    private readonly runId: number,
  ) {}

  /**
   * Uploads one file as an artifact. With `replace`, an artifact of the same name from an
   * earlier attempt of this run is deleted first (names are unique per run).
   */
  async uploadFile(
    name: string,
    file: string,
    options: { retentionDays: number; replace?: boolean },
  ): Promise<UploadOutcome> {
    try {
      if (options.replace) {
        await this.client.deleteArtifact(name).catch(() => undefined);
      }
      const result = await this.client.uploadArtifact(name, [file], path.dirname(file), {
        retentionDays: options.retentionDays,
      });
      if (result.id === undefined) throw new Error(`the artifact service gave no id for ${name}`);
      return { kind: 'uploaded', id: result.id, name, size: result.size ?? 0 };
    } catch (error: unknown) {
      if (error instanceof GHESNotSupportedError) {
        return {
          kind: 'unsupported',
          reason: 'GitHub Enterprise Server has no artifact service for this toolkit',
        };
      }
      throw error;
    }
  }

  /** The newest unexpired artifact with this exact name in the repository, if any. */
  async latest(name: string): Promise<FoundArtifact | null> {
    const { data } = await attempt(`listing artifacts named ${name}`, () =>
      this.octokit.rest.actions.listArtifactsForRepo({ ...this.repo, name, per_page: 30 }),
    );
    const found = data.artifacts
      .filter((a) => !a.expired && a.name === name)
      .sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id)[0];
    if (!found) return null;
    return {
      id: found.id,
      name: found.name,
      createdAt: found.created_at ?? null,
      runId: found.workflow_run?.id ?? null,
      headSha: found.workflow_run?.head_sha ?? null,
    };
  }

  /** Downloads and unzips an artifact of any run of this repository into `dir`. */
  async download(artifact: FoundArtifact, dir: string): Promise<void> {
    await this.client.downloadArtifact(artifact.id, {
      path: dir,
      findBy: {
        token: this.token,
        workflowRunId: artifact.runId ?? this.runId,
        repositoryOwner: this.repo.owner,
        repositoryName: this.repo.repo,
      },
    });
  }
}
