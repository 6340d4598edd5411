// One scale run on a migrated database: one engine, API processes behind a
// round-robin balancer and workers processes, citizens filing resident
// parking permits to the end while the API and workers processes restart in
// rounds — each round one API and one workers process, one with SIGTERM (a
// rolling upgrade), the other with kill -9 (a crash), alternating — then the
// checks of what PostgreSQL holds (checks.ts). bench/scale/index.ts runs a
// long one, test/scale.test.ts a short one.
import os from 'node:os';
import { createKnex } from '../../platform/database.ts';
import { freePort } from '../../platform/free-port.ts';
import { startBalancer } from './balancer.ts';
import { checkRun, messagesPerRequest, type Check } from './checks.ts';
import { member, runOnce, type Member } from './fleet.ts';
import { citizenErrand, clerkRounds, http, type Filing } from './people.ts';

export interface ScaleOptions {
  databaseUrl: string;
  /** Logs of every process, and DATA_DIR. */
  runDirectory: string;
  filings: number;
  /** Citizens at their errands at once. */
  concurrency: number;
  apis?: number;
  workers?: number;
  /**
   * Restart rounds that happen whatever the pace of the citizens: the filings
   * are spread over them, so each round restarts processes under load. More
   * rounds follow while citizens are still at it.
   */
  minimumRounds?: number;
  /** USER_TASK_LEASE_SECONDS of the workers processes: what a kill -9 costs a task it held unlisted. */
  userTaskLeaseSeconds?: number;
  /** Pause after each round. */
  pauseMs?: number;
  say?: (line: string) => void;
}

export interface ScaleResult {
  filings: number;
  closed: Filing[];
  failures: string[];
  checks: Check[];
  restarts: Array<{ process: string; signal: 'SIGTERM' | 'SIGKILL'; exit: string; backInMs: number }>;
  seconds: number;
  fleetUpMs: number;
  /** Errand times, filing to closed, in seconds. */
  errand: { p50: number; p90: number; max: number };
  acceptedByClerk: number;
  httpRetries: number;
  rerouted: number;
  dropped: number;
  messagesPerRequest: Record<string, number>;
  /** What each process's /metrics answered at the end (Prometheus text), by process name. */
  scrapes: Record<string, string>;
}

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const say = options.say ?? (() => undefined);
  const { runDirectory, filings } = options;
  const minimumRounds = options.minimumRounds ?? 0;
  const enginePort = await freePort();
  const apiPorts = await Promise.all(Array.from({ length: options.apis ?? 3 }, () => freePort()));
  const balancer = await startBalancer(() => apiPorts);
  const common = {
    DATABASE_URL: options.databaseUrl, ZEEBE_ADDRESS: `127.0.0.1:${enginePort}`, JWT_SECRET: 'scale-bench-secret-that-is-at-least-32-characters',
    DEMO_SEED: 'true', PUBLIC_URL: balancer.url, DATA_DIR: runDirectory,
  };
  const healthy = (port: number) => async () => fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
  // The engine and workers processes serve /metrics on METRICS_PORT, the APIs on their own port.
  const metricsPorts = new Map<string, number>();
  const metricsPort = async (name: string) => {
    metricsPorts.set(name, await freePort());
    return { METRICS_PORT: String(metricsPorts.get(name)) };
  };
  const engine = member({
    name: 'engine', command: 'engine', env: { DATABASE_URL: options.databaseUrl, ZEEBE_PORT: String(enginePort), DATA_DIR: runDirectory, ...(await metricsPort('engine')) },
    ready: (output) => output.includes('embedded engine listening'),
  }, runDirectory);
  const apis = apiPorts.map((port, index) => member({ name: `api-${index + 1}`, command: 'api', env: { ...common, PORT: String(port) }, ready: healthy(port) }, runDirectory));
  const workersEnv = { ...common, ...(options.userTaskLeaseSeconds ? { USER_TASK_LEASE_SECONDS: String(options.userTaskLeaseSeconds) } : {}) };
  const workers = await Promise.all(Array.from({ length: options.workers ?? 2 }, async (_, index) => member({
    name: `workers-${index + 1}`, command: 'workers', env: { ...workersEnv, ...(await metricsPort(`workers-${index + 1}`)) }, ready: (output) => output.includes('"workers started"'),
  }, runDirectory)));
  const db = createKnex(options.databaseUrl, { max: 4 });

  try {
    const started = Date.now();
    await engine.start();
    await Promise.all([runOnce({ name: 'deploy', command: 'deploy', env: common }, runDirectory), ...apis.map((api) => api.start()), ...workers.map((process) => process.start())]);
    const fleetUpMs = Date.now() - started;
    say(`fleet up in ${fleetUpMs} ms: engine, ${apis.length} APIs behind ${balancer.url}, ${workers.length} workers processes; load average ${os.loadavg()[0]!.toFixed(1)}`);

    const api = http(balancer.url);
    const deadline = Date.now() + 30 * 60_000;
    let clerkToken: string | undefined;
    const staffToken = async () => (clerkToken ??= (await api.call('POST', '/api/auth/staff/token', { body: { username: 'clerk-12', password: 'shahrdari-demo' } })).body.token);
    let finished = false;
    const clerk = clerkRounds(api, staffToken, () => finished);

    // Rounds of restarts, until the citizens are done and the minimum rounds are over.
    let round = 0;
    const roundBegun: Array<() => void> = [];
    const begun = Array.from({ length: minimumRounds }, (_, index) => new Promise<void>((resolve) => (roundBegun[index] = resolve)));
    const restarts: ScaleResult['restarts'] = [];
    const restart = async (target: Member, signal: 'SIGTERM' | 'SIGKILL') => {
      const stopAt = Date.now();
      const exit = await target.stop(signal);
      await target.start();
      restarts.push({ process: target.name, signal, exit, backInMs: Date.now() - stopAt });
      say(`restarted ${target.name} ${signal} (exit ${exit}), back in ${Date.now() - stopAt} ms`);
    };
    const restarting = (async () => {
      for (; !finished || round < minimumRounds; round++) {
        roundBegun[round]?.();
        // The API is the one with SIGTERM in even rounds, the workers process in odd ones.
        const apiSignal = round % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
        await Promise.all([
          restart(apis[round % apis.length]!, apiSignal),
          restart(workers[round % workers.length]!, apiSignal === 'SIGTERM' ? 'SIGKILL' : 'SIGTERM'),
        ]);
        await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 3_000));
      }
    })();

    // Citizens, `concurrency` at a time; filing n waits for its share of the minimum rounds to begin.
    const closed: Filing[] = [];
    const failures: string[] = [];
    let nextCitizen = 0;
    const errands = Array.from({ length: options.concurrency }, async () => {
      while (nextCitizen < filings) {
        const n = nextCitizen++;
        await begun[Math.floor((n * minimumRounds) / filings)];
        try {
          closed.push(await citizenErrand(api, n + 1, deadline));
          if (closed.length % 50 === 0) say(`${closed.length} of ${filings} closed`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    });
    await Promise.all(errands);
    finished = true;
    const acceptedByClerk = await clerk;
    await restarting;
    const seconds = (Date.now() - started) / 1000;

    // The outbox senders run every 2 s: let them finish what the last closes queued.
    for (let wait = 0; wait < 30 && Number((await db('notifications').where({ status: 'pending' }).count('* as n'))[0]!.n) > 0; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    // Every process's metrics as Prometheus would scrape them.
    const scrapes: Record<string, string> = {};
    const endpoints: Array<[string, number]> = [...metricsPorts, ...apis.map((api, index) => [api.name, apiPorts[index]!] as [string, number])];
    for (const [name, port] of endpoints) scrapes[name] = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const trackingCodes = closed.map((filing) => filing.trackingCode);
    const times = closed.map((filing) => filing.closedMs! / 1000).sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
    return {
      filings, closed, failures, restarts, seconds, fleetUpMs, acceptedByClerk,
      checks: await checkRun(db, trackingCodes),
      errand: { p50: at(0.5), p90: at(0.9), max: at(1) },
      httpRetries: api.retried, rerouted: balancer.rerouted, dropped: balancer.dropped,
      messagesPerRequest: await messagesPerRequest(db, trackingCodes),
      scrapes,
    };
  } finally {
    await Promise.all([...apis, ...workers].map((process) => process.stop('SIGTERM')));
    await engine.stop('SIGTERM');
    await balancer.close();
    await db.destroy();
  }
}

/** The run's figures and checks as lines to print. */
export function report(result: ScaleResult): string[] {
  const { failures } = result;
  const kills = result.restarts.filter((restart) => restart.signal === 'SIGKILL').length;
  return [
    `filings: ${result.filings}, closed: ${result.closed.length}, failed errands: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}`,
    `time: ${result.seconds.toFixed(0)} s for the run (fleet up in ${(result.fleetUpMs / 1000).toFixed(1)} s), errand p50 ${result.errand.p50.toFixed(1)} s, p90 ${result.errand.p90.toFixed(1)} s, max ${result.errand.max.toFixed(1)} s; documents accepted by the clerk: ${result.acceptedByClerk}`,
    `restarts: ${result.restarts.length} (${kills} kill -9), back in ${result.restarts.map((restart) => (restart.backInMs / 1000).toFixed(1)).join(', ')} s; http retries ${result.httpRetries}, balancer rerouted ${result.rerouted}, dropped ${result.dropped}`,
    `messages per request: ${JSON.stringify(result.messagesPerRequest)}`,
    ...result.checks.map((check) => `${check.broken.length === 0 ? 'ok  ' : 'FAIL'} ${check.name}${check.broken.length ? `: ${check.broken.slice(0, 5).join(', ')}${check.broken.length > 5 ? ` and ${check.broken.length - 5} more` : ''}` : ''}`),
  ];
}

/** Whether the run kept every promise: every filing closed, no errand failed, every check holds. */
export const passed = (result: ScaleResult) =>
  result.failures.length === 0 && result.closed.length === result.filings && result.checks.every((check) => check.broken.length === 0);
