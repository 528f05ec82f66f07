/**
 * The GitHub Actions artifact service, as `@actions/artifact` 6 talks to it: Twirp JSON at
 * `ACTIONS_RESULTS_URL` (snake_case bodies, int64 as strings) and Azure block-blob uploads to the
 * signed URL it hands out. Keeps every artifact's zip bytes so a test can unzip them and compare
 * the files byte for byte; serves them back for downloads (the REST zip endpoint of
 * fake-github redirects here).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unzipSync } from 'fflate';

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface StoredArtifact {
  id: number;
  name: string;
  /** The workflow run backend id from the runtime token's scope (the runner uses the run id). */
  runBackendId: string;
  jobBackendId: string;
  createdAt: string;
  expiresAt: string | null;
  size: number;
  finalized: boolean;
  /** The zip as committed through the block list. */
  zip: Buffer;
  /** `sha256:<hex>` as the client reported it at finalize. */
  hash: string | null;
}

export interface FakeArtifacts {
  /** The origin to put in `ACTIONS_RESULTS_URL`. */
  url: string;
  artifacts: StoredArtifact[];
  /** Every Twirp call, in order: method name and body. */
  calls: Array<{ method: string; body: Record<string, unknown> }>;
  /** The files inside an artifact's zip. */
  files(artifact: StoredArtifact | number): Record<string, Buffer>;
  /** A URL that serves the artifact's zip (what the REST zip endpoint redirects to). */
  downloadUrl(id: number): string;
  byName(name: string): StoredArtifact | undefined;
  close(): Promise<void>;
}

export interface FakeArtifactsOptions {
  now?: () => Date;
  /** First artifact id (ids are global on GitHub: make them distinct from other numbers in a test). */
  firstId?: number;
}

/** A string field of a Twirp body ('' when absent or not text). */
function field(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

function twirpError(res: ServerResponse, status: number, code: string, msg: string) {
  send(res, status, { code, msg });
}

/** Twirp's protobuf JSON: a Timestamp is an RFC 3339 string. */
function timestampText(value: unknown): string | null {
  if (typeof value === 'string') return new Date(value).toISOString();
  return null;
}

export async function startFakeArtifacts(
  options: FakeArtifactsOptions = {},
): Promise<FakeArtifacts> {
  const now = options.now ?? (() => new Date());
  let nextId = options.firstId ?? 7001;
  const artifacts: StoredArtifact[] = [];
  const calls: FakeArtifacts['calls'] = [];
  /** Uploads in progress: staged blocks per artifact id. */
  const staged = new Map<number, Map<string, Buffer>>();
  let origin = '';

  const find = (runBackendId: string, name: string) =>
    artifacts.find((a) => a.runBackendId === runBackendId && a.name === name);

  async function twirp(method: string, req: IncomingMessage, res: ServerResponse) {
    const text = (await readBody(req)).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return twirpError(res, 400, 'malformed', 'body is not JSON');
    }
    calls.push({ method, body });
    const runBackendId = field(body, 'workflow_run_backend_id');
    const jobBackendId = field(body, 'workflow_job_run_backend_id');
    if (!runBackendId || !jobBackendId) {
      return twirpError(res, 400, 'invalid_argument', 'missing backend ids');
    }
    switch (method) {
      case 'CreateArtifact': {
        const name = field(body, 'name');
        if (!name) return twirpError(res, 400, 'invalid_argument', 'missing name');
        if (find(runBackendId, name)) {
          return twirpError(
            res,
            409,
            'already_exists',
            'an artifact with this name already exists on the workflow run',
          );
        }
        const artifact: StoredArtifact = {
          id: nextId++,
          name,
          runBackendId,
          jobBackendId,
          createdAt: now().toISOString(),
          expiresAt: timestampText(body['expires_at']),
          size: 0,
          finalized: false,
          zip: Buffer.alloc(0),
          hash: null,
        };
        artifacts.push(artifact);
        staged.set(artifact.id, new Map());
        return send(res, 200, {
          ok: true,
          signed_upload_url: `${origin}/blob/${artifact.id}?sig=fake-upload-signature&sv=2024-01-01`,
        });
      }
      case 'FinalizeArtifact': {
        const artifact = find(runBackendId, field(body, 'name'));
        if (!artifact) return twirpError(res, 404, 'not_found', 'artifact not found');
        if (String(body['size']) !== String(artifact.zip.length)) {
          return twirpError(
            res,
            400,
            'invalid_argument',
            `size ${String(body['size'])} does not match the uploaded ${artifact.zip.length} bytes`,
          );
        }
        artifact.finalized = true;
        artifact.size = artifact.zip.length;
        artifact.hash = typeof body['hash'] === 'string' ? body['hash'] : null;
        return send(res, 200, { ok: true, artifact_id: String(artifact.id) });
      }
      case 'ListArtifacts': {
        const nameFilter = body['name_filter'];
        const idFilter = body['id_filter'];
        const list = artifacts.filter(
          (a) =>
            a.finalized &&
            a.runBackendId === runBackendId &&
            (typeof nameFilter !== 'string' || a.name === nameFilter) &&
            (idFilter === undefined || field(body, 'id_filter') === String(a.id)),
        );
        return send(res, 200, {
          artifacts: list.map((a) => ({
            workflow_run_backend_id: a.runBackendId,
            workflow_job_run_backend_id: a.jobBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: a.createdAt,
          })),
        });
      }
      case 'GetSignedArtifactURL': {
        const artifact = find(runBackendId, field(body, 'name'));
        if (!artifact?.finalized) return twirpError(res, 404, 'not_found', 'artifact not found');
        return send(res, 200, {
          signed_url: `${origin}/download/${artifact.id}?sig=fake-download`,
        });
      }
      case 'DeleteArtifact': {
        const artifact = find(runBackendId, field(body, 'name'));
        if (!artifact) return twirpError(res, 404, 'not_found', 'artifact not found');
        artifacts.splice(artifacts.indexOf(artifact), 1);
        return send(res, 200, { ok: true, artifact_id: String(artifact.id) });
      }
      default:
        return twirpError(res, 404, 'bad_route', `no method ${method}`);
    }
  }

  async function blob(id: number, url: URL, req: IncomingMessage, res: ServerResponse) {
    const artifact = artifacts.find((a) => a.id === id);
    const blocks = staged.get(id);
    if (!artifact || !blocks || artifact.finalized) {
      return send(res, 404, undefined, { 'x-ms-error-code': 'BlobNotFound' });
    }
    const body = await readBody(req);
    const comp = url.searchParams.get('comp');
    const headers = {
      'x-ms-request-id': `req-${id}-${blocks.size}`,
      'x-ms-version': '2024-01-01',
      etag: `"0x${id.toString(16)}"`,
      'last-modified': now().toUTCString(),
    };
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId)
        return send(res, 400, undefined, { 'x-ms-error-code': 'InvalidQueryParameterValue' });
      blocks.set(blockId, body);
      return send(res, 201, undefined, headers);
    }
    if (comp === 'blocklist') {
      const ids = [
        ...body.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g),
      ].map((m) => m[2]);
      const parts: Buffer[] = [];
      for (const blockId of ids) {
        const part = blocks.get(blockId);
        if (!part) return send(res, 400, undefined, { 'x-ms-error-code': 'InvalidBlockList' });
        parts.push(part);
      }
      artifact.zip = Buffer.concat(parts);
      return send(res, 201, undefined, headers);
    }
    // A single-shot upload (Put Blob) is also valid for small bodies.
    artifact.zip = body;
    return send(res, 201, undefined, headers);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handle = async () => {
      if (req.method === 'POST' && url.pathname.startsWith(TWIRP_PREFIX)) {
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ')) return twirpError(res, 401, 'unauthenticated', 'no token');
        return twirp(url.pathname.slice(TWIRP_PREFIX.length), req, res);
      }
      const upload = /^\/blob\/(\d+)$/.exec(url.pathname);
      if (req.method === 'PUT' && upload) return blob(Number(upload[1]), url, req, res);
      const download = /^\/download\/(\d+)$/.exec(url.pathname);
      if (req.method === 'GET' && download) {
        const artifact = artifacts.find((a) => a.id === Number(download[1]) && a.finalized);
        if (!artifact) return send(res, 404);
        res.writeHead(200, {
          'content-type': 'application/zip',
          'content-length': String(artifact.zip.length),
          'content-disposition': `attachment; filename=${artifact.name}.zip`,
        });
        res.end(artifact.zip);
        return;
      }
      return send(res, 404, { message: 'Not Found' });
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 'internal', msg: String(e) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    artifacts,
    calls,
    files(artifact) {
      const stored =
        typeof artifact === 'number' ? artifacts.find((a) => a.id === artifact) : artifact;
      if (!stored)
        throw new Error(`no artifact ${typeof artifact === 'number' ? artifact : artifact.name}`);
      const entries = unzipSync(new Uint8Array(stored.zip));
      return Object.fromEntries(
        Object.entries(entries).map(([name, bytes]) => [name, Buffer.from(bytes)]),
      );
    },
    downloadUrl: (id) => `${origin}/download/${id}?sig=fake-download`,
    byName: (name) => artifacts.find((a) => a.name === name && a.finalized),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** An unsigned JWT whose scope lets `@actions/artifact` find the run and job (signature unchecked). */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runBackendId}:${jobBackendId}`,
    iat: 1764000000,
    exp: 4102444800,
  };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.fake-signature`;
}
