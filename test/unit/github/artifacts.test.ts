import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  runtimeToken,
  startFakeArtifacts,
  type FakeArtifacts,
} from '../../support/fake-artifacts.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';

const TOKEN = 'ghs_artifactTest';
const RUN_ID = 777;

describe('artifacts through @actions/artifact and the REST API', () => {
  let store: FakeArtifacts;
  let gh: FakeGitHub;
  let Artifacts: typeof import('../../../src/github/artifacts.js').Artifacts;
  let createOctokit: typeof import('../../../src/github/client.js').createOctokit;
  const saved = { ...process.env };

  beforeAll(async () => {
    store = await startFakeArtifacts();
    gh = await startFakeGitHub({ token: TOKEN, artifacts: store });
    // The toolkit reads these when it is loaded and when it is called, as on a runner.
    Object.assign(process.env, {
      ACTIONS_RESULTS_URL: `${store.url}/`,
      ACTIONS_RUNTIME_TOKEN: runtimeToken(String(RUN_ID), 'job-1'),
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: os.tmpdir(),
    });
    ({ Artifacts } = await import('../../../src/github/artifacts.js'));
    ({ createOctokit } = await import('../../../src/github/client.js'));
  });
  afterAll(async () => {
    process.env = saved;
    await gh.close();
    await store.close();
  });

  it('uploads a file whose bytes come back out of the zip unchanged, and downloads it from another job', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lp-artifact-'));
    const csv = 'timestamp,outcome\r\n2026-11-30T00:00:00.000Z,"applied, ""quoted"""\r\n';
    const file = path.join(dir, 'audit.csv');
    writeFileSync(file, csv);
    const artifacts = new Artifacts(
      createOctokit(TOKEN, gh.url),
      { owner: gh.owner, repo: gh.repo },
      TOKEN,
      RUN_ID,
    );

    const outcome = await artifacts.uploadFile('license-policy-audit-p1-1', file, {
      retentionDays: 30,
    });
    expect(outcome).toMatchObject({ kind: 'uploaded', name: 'license-policy-audit-p1-1' });
    const stored = store.byName('license-policy-audit-p1-1')!;
    expect(store.files(stored)['audit.csv'].toString('utf8')).toBe(csv);
    expect(Date.parse(stored.expiresAt!) - Date.now()).toBeGreaterThan(29 * 86400_000);

    // A second upload of the same name in the same run replaces the first when asked to.
    writeFileSync(file, csv + 'x\r\n');
    await artifacts.uploadFile('license-policy-audit-p1-1', file, {
      retentionDays: 30,
      replace: true,
    });
    expect(store.artifacts.filter((a) => a.name === 'license-policy-audit-p1-1')).toHaveLength(1);

    const found = await artifacts.latest('license-policy-audit-p1-1');
    expect(found).toMatchObject({ name: 'license-policy-audit-p1-1', runId: RUN_ID });
    const out = mkdtempSync(path.join(os.tmpdir(), 'lp-download-'));
    await artifacts.download(found!, out);
    expect(readFileSync(path.join(out, 'audit.csv'), 'utf8')).toBe(csv + 'x\r\n');
    expect(await artifacts.latest('no-such-artifact')).toBeNull();
  });
});
