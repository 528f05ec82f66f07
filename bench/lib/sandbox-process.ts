/** Starts the sandbox in a child process and talks to it (see `sandbox-child.ts`). */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { SandboxCounters } from '../../src/sandbox/index.js';
import type {
  SandboxReply,
  SandboxRequest,
  SandboxSpec,
  ServerBehaviour,
  ServerName,
} from './sandbox-protocol.js';

export interface SandboxProcess {
  url: string;
  orgId: string;
  apiKey: string;
  /** Milliseconds the child took to generate the org and listen. */
  generatedMs: number;
  /** Accounts in the generated org. */
  users: number;
  /** What a server has answered since its last reset (default: the main server). */
  counters(server?: ServerName): Promise<SandboxCounters>;
  /** CPU time the sandbox process has used so far (ms). */
  cpuMs(): Promise<number>;
  reset(server?: ServerName): Promise<void>;
  /** Seats held now on each resource (the org model's own count). */
  seats(resourceIds: string[]): Promise<number[]>;
  /** A second server on the same org with other behaviour; resolves with its URL. */
  startSecond(behaviour: ServerBehaviour): Promise<string>;
  close(): Promise<void>;
}

type Request = SandboxRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;
type ReplyOf<T extends SandboxReply['type']> = Extract<SandboxReply, { type: T }>;

/** `buildDir` holds `sandbox-child.mjs` (bench/build.mjs). */
export async function startSandboxProcess(
  buildDir: string,
  spec: SandboxSpec,
): Promise<SandboxProcess> {
  const child = fork(path.join(buildDir, 'sandbox-child.mjs'), [JSON.stringify(spec)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (reply: SandboxReply) => void>();
  let nextId = 1;
  const info = await new Promise<ReplyOf<'ready'>>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the sandbox process exited with ${code}`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.on('message', (reply: SandboxReply) => {
      if (reply.type === 'ready') {
        child.off('exit', onExit);
        resolve(reply);
      } else {
        const settle = pending.get(reply.id);
        pending.delete(reply.id);
        settle?.(reply);
      }
    });
  });

  const ask = <T extends SandboxReply['type']>(
    request: Request,
    answer: T,
  ): Promise<ReplyOf<T>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, (reply) => {
        if (reply.type === answer) resolve(reply as ReplyOf<T>);
        else reject(new Error(`the sandbox answered ${reply.type} to ${request.type}`));
      });
      child.send({ ...request, id });
    });
  };

  return {
    url: info.url,
    orgId: info.orgId,
    apiKey: info.apiKey,
    generatedMs: info.generatedMs,
    users: info.users,
    counters: async (server = 'main') =>
      (await ask({ type: 'counters', server }, 'counters')).counters,
    cpuMs: async () => (await ask({ type: 'counters', server: 'main' }, 'counters')).cpuMs,
    reset: async (server = 'main') => {
      await ask({ type: 'reset', server }, 'reset');
    },
    seats: async (resourceIds) => (await ask({ type: 'seats', resourceIds }, 'seats')).seats,
    startSecond: async (behaviour) =>
      (await ask({ type: 'start-second', behaviour }, 'second-started')).url,
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await ask({ type: 'close' }, 'closed');
      await exited;
    },
  };
}
