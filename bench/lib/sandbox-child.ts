/**
 * The sandbox in its own process, so that what a benchmark measures in the planning process
 * (peak RSS above all, but also CPU) is the planner's alone. Started by `sandbox-process.ts`
 * with `fork`; the spec arrives as JSON in argv[2]; it answers messages over the IPC channel.
 *
 * It can serve the same org from a second server with other behaviour (the apply benchmark
 * makes its plan on an unlimited server, then applies through a rate-limited one whose window
 * starts when the apply does).
 */
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { SandboxReply, SandboxRequest, SandboxSpec, ServerName } from './sandbox-protocol.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as SandboxSpec;
const started = Date.now();
const main = await startSandbox({
  users: spec.users,
  seed: spec.seed,
  now: new Date(spec.now),
  latencyMs: spec.latencyMs,
  rateLimit: spec.rateLimit,
  lastActiveRateLimit: spec.lastActiveRateLimit,
  recordRequests: false,
});
const generatedMs = Date.now() - started;
let second: RunningSandbox | null = null;

/** CPU time this process has used (user + system), in ms. */
const cpuMs = () => {
  const usage = process.cpuUsage();
  return Math.round((usage.user + usage.system) / 1000);
};
const send = (reply: SandboxReply) => process.send?.(reply);
const server = (name: ServerName): RunningSandbox => {
  if (name === 'main') return main;
  if (!second) throw new Error('the second server has not been started');
  return second;
};

process.on('message', (message: SandboxRequest) => {
  switch (message.type) {
    case 'counters':
      send({
        type: 'counters',
        id: message.id,
        counters: structuredClone(server(message.server).counters),
        cpuMs: cpuMs(),
      });
      return;
    case 'reset':
      server(message.server).resetLog();
      send({ type: 'reset', id: message.id });
      return;
    case 'seats':
      send({
        type: 'seats',
        id: message.id,
        seats: message.resourceIds.map((id) => main.org.seatCount(id)),
      });
      return;
    case 'start-second':
      void startSandbox({
        org: main.org,
        apiKey: main.apiKey,
        latencyMs: message.behaviour.latencyMs,
        rateLimit: message.behaviour.rateLimit,
        lastActiveRateLimit: message.behaviour.lastActiveRateLimit,
        recordRequests: false,
      }).then((running) => {
        second = running;
        send({ type: 'second-started', id: message.id, url: running.url });
      });
      return;
    case 'close':
      void Promise.all([main.close(), second?.close()]).then(() => {
        send({ type: 'closed', id: message.id });
        process.disconnect?.();
        process.exit(0);
      });
      return;
  }
});

send({
  type: 'ready',
  url: main.url,
  orgId: main.orgId,
  apiKey: main.apiKey,
  generatedMs,
  users: main.org.users().length,
});
