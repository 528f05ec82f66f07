/** Messages between a benchmark and its sandbox process (`sandbox-child.ts`). */
import type { SandboxCounters } from '../../src/sandbox/index.js';

/** How one server of the sandbox process behaves. */
export interface ServerBehaviour {
  /** Delay before every response, real time. */
  latencyMs?: number;
  /** Requests per minute for every route together; 0 = none. */
  rateLimit?: number;
  /** Requests per minute for last-active-dates; 0 = none. */
  lastActiveRateLimit?: number;
}

/** What the sandbox process serves: the synthetic org and the API's behaviour. */
export interface SandboxSpec extends ServerBehaviour {
  users: number;
  seed: number;
  /** ISO time the org's activity is relative to (the plan's `now`). */
  now: string;
}

/** `main` serves from the start; `second` is another server on the same org, started on request. */
export type ServerName = 'main' | 'second';

export type SandboxRequest =
  | { type: 'counters'; id: number; server: ServerName }
  | { type: 'reset'; id: number; server: ServerName }
  | { type: 'seats'; id: number; resourceIds: string[] }
  | { type: 'start-second'; id: number; behaviour: ServerBehaviour }
  | { type: 'close'; id: number };

export type SandboxReply =
  | {
      type: 'ready';
      url: string;
      orgId: string;
      apiKey: string;
      generatedMs: number;
      users: number;
    }
  | { type: 'counters'; id: number; counters: SandboxCounters; cpuMs: number }
  | { type: 'reset'; id: number }
  | { type: 'seats'; id: number; seats: number[] }
  | { type: 'second-started'; id: number; url: string }
  | { type: 'closed'; id: number };
