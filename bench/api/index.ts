// bench/api: p99 and requests/s of the request-status route and of submit,
// beside a bare Fastify route measured in the same run, with autocannon over
// loopback. Targets (issue 6): status p99 under 10 ms at 500 req/s, submit p99
// under 50 ms.
//
//   npx tsx bench/api/index.ts [seconds per phase, default 10]
//
// Four processes, as production would have them: this one (autocannon and
// nothing else), the API exactly as `npm run api` starts it (bin/api.ts), the
// engine with the workers (engine-process.ts), and the bare route
// (bare-process.ts). With the load generator, the API and the engine in one
// event loop the numbers said more about the loop than about the API. Each
// phase also reports the CPU time the API process spent per request, which a
// busy machine disturbs far less than latency.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pino from 'pino';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { freePort } from '../../platform/free-port.ts';

const seconds = Number(process.argv[2] ?? 10);
const logger = pino({ level: 'warn' });
const root = fileURLToPath(new URL('../../', import.meta.url));
const secret = 'bench-secret-that-is-at-least-32-characters';

const form = {
  citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567',
  address: 'مشهد، بلوار پیروزی، کوچه ۱۲', treeCount: 3, urgency: 'normal', declaration: true,
};

const children: ChildProcess[] = [];

/** SIGTERM (so a profile is written and connections close), SIGKILL after 10 s. */
async function stopChildren(): Promise<void> {
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((resolve) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  })));
}

/** Starts `script` under tsx; resolves with the child once `ready` says so. */
function child(script: string, env: Record<string, string>, ready: (child: ChildProcess) => Promise<string>): Promise<{ process: ChildProcess; value: string }> {
  const profile = process.env.BENCH_PROFILE && script === 'bin/api.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const started = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, script)], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(started);
  return ready(started).then((value) => ({ process: started, value }));
}

/** Waits for the "listening <port>" line a bench child prints. */
function listeningLine(started: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    started.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    started.once('exit', (code) => reject(new Error(`child exited with ${code} before listening`)));
  });
}


async function untilHealthy(base: string, api: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
    const ok = await fetch(`${base}/health`).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the API did not become healthy in 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** CPU time (user + system) a process has used, in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

interface Measured { result: Result; apiCpuPerRequest: number; engineCpuPerRequest: number }

function run(options: autocannon.Options, watch: { api: number; engine: number }): Promise<Measured> {
  const apiBefore = cpuMs(watch.api);
  const engineBefore = cpuMs(watch.engine);
  return new Promise((resolve, reject) => {
    autocannon({ duration: seconds, ...options }, (error, result) => {
      if (error) return reject(error);
      const served = Math.max(1, result.requests.total);
      resolve({
        result,
        apiCpuPerRequest: (cpuMs(watch.api) - apiBefore) / served,
        engineCpuPerRequest: (cpuMs(watch.engine) - engineBefore) / served,
      });
    });
  });
}

/**
 * A fixed rate, spread over the second. autocannon's own rate limit lets each
 * connection send its whole quota for a second at the start of that second,
 * so `overallRate: 500` is a burst of 500 and then silence, which measures
 * queueing behind the burst (and its coordinated-omission correction, made
 * for steady pacing, adds made-up samples on top). Instead: `slices`
 * autocannon runs of one connection each, started evenly across the second,
 * each with its share of the rate; a slice sends one request at a time, so
 * the server sees the rate arrive spread out. p50 and p99 are over every
 * response of all slices; requests/s is the sum.
 */
async function paced(options: autocannon.Options, rate: number, watch: { api: number; engine: number }, slices = 20): Promise<Measured> {
  const apiBefore = cpuMs(watch.api);
  const engineBefore = cpuMs(watch.engine);
  // Every response's time, pooled over the slices, so p99 is the p99 of all of them.
  const times: number[] = [];
  const results = await Promise.all(Array.from({ length: slices }, (_, index) => new Promise<Result>((resolve, reject) => {
    setTimeout(() => {
      const instance = autocannon({
        duration: seconds, ...options, connections: 1, overallRate: rate / slices, ignoreCoordinatedOmission: true,
      }, (error, result) => (error ? reject(error) : resolve(result)));
      instance.on('response', (_client, _status, _bytes, responseTime: number) => { times.push(responseTime); });
    }, (index * 1000) / slices);
  })));
  const served = Math.max(1, times.length);
  const sorted = times.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(10 * (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)) / 10;
  const sum = (pick: (result: Result) => number) => results.reduce((total, result) => total + pick(result), 0);
  const result = {
    requests: { average: sum((r) => r.requests.average), total: served },
    latency: { p50: percentile(50), p99: percentile(99) },
    non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts),
  } as unknown as Result;
  return {
    result,
    apiCpuPerRequest: (cpuMs(watch.api) - apiBefore) / served,
    engineCpuPerRequest: (cpuMs(watch.engine) - engineBefore) / served,
  };
}

function line(name: string, { result, apiCpuPerRequest }: Measured, cpuOf = 'API') {
  const failed = result.non2xx + result.errors + result.timeouts;
  return `${name.padEnd(36)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   ${cpuOf} CPU ${apiCpuPerRequest.toFixed(2)} ms/req   failed ${failed}`;
}

const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-bench-api-'));
  fs.chmodSync(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), logger });
  const db = createKnex(postgres.url, { max: 2 });
  const cleanUp = async () => {
    await stopChildren();
    await db.destroy().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    await migrateToLatest(db);
    // Someone for inspection.assign to send, so submitted requests settle at a user task instead of retrying.
    await db('staff').insert({ username: 'inspector-12', display_name: 'بازرس', role_id: 'inspector', district_id: 12, password_hash: 'not-for-sign-in' });
    const env = {
      DATABASE_URL: postgres.url, DATA_DIR: dataDir, JWT_SECRET: secret, DEMO_SEED: 'false', DEPLOY_ON_START: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', HOST: '127.0.0.1',
    };
    const engine = await child('bench/api/engine-process.ts', env, listeningLine);
    const port = await freePort();
    const api = await child('bin/api.ts', { ...env, PORT: String(port), ZEEBE_ADDRESS: `127.0.0.1:${engine.value}` }, async () => String(port));
    const base = `http://127.0.0.1:${port}`;
    const bare = await child('bench/api/bare-process.ts', {}, listeningLine);
    const bareUrl = `http://127.0.0.1:${bare.value}/bare`;
    await untilHealthy(base, api.process);
    const apiWatch = { api: api.process.pid!, engine: engine.process.pid! };
    const bareWatch = { api: bare.process.pid!, engine: engine.process.pid! };

    // Sign in as a citizen the way a phone does: code by SMS (the outbox), then token.
    const post = (url: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await post('/api/auth/citizen/code', { nationalCode: form.nationalCode, mobile: form.mobile });
    const sms = await db('notifications').where({ recipient: form.mobile, template: 'sign-in-code' }).orderBy('id', 'desc').first();
    const code = [...(/[۰-۹]{6}/.exec(sms.body)![0])].map((digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit))).join('');
    const { token } = await (await post('/api/auth/citizen/token', { nationalCode: form.nationalCode, mobile: form.mobile, code })).json() as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const submitted = await (await post('/api/requests', { serviceId: 'tree-pruning', districtId: 12, form }, headers)).json() as { id: string; trackingCode: string };
    // A status with a timeline: wait until the workers have recorded the first milestones.
    for (let i = 0; i < 200 && (await db('request_events').where({ request_id: submitted.id })).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const statusUrl = `${base}/api/requests/${submitted.trackingCode}`;
    const submit = (extra: Partial<autocannon.Options> = {}): autocannon.Options => ({
      url: `${base}/api/requests`, method: 'POST', headers, connections: 10,
      body: JSON.stringify({ serviceId: 'tree-pruning', districtId: 12, form }),
      requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }) }],
      ...extra,
    });
    /** The start outbox drained: every accepted request has its instance, so the next phase starts level. */
    const drained = async () => {
      for (let i = 0; i < 600; i++) {
        const [{ n }] = await db('requests').whereNull('process_instance_key').count<{ n: string }[]>('* as n');
        if (Number(n) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const loadBefore = load();
    console.log(`bench/api: ${seconds} s per phase, ${os.cpus().length} cores, autocannon over loopback; API, engine+workers, bare route and autocannon in separate processes`);
    console.log(`load average before: ${loadBefore}\n`);
    // Warm-up (JIT, pools, caches), not reported.
    await run({ url: bareUrl, connections: 10, duration: 2 }, bareWatch);
    await run({ url: statusUrl, headers, connections: 10, duration: 2 }, apiWatch);
    await run(submit({ amount: 100, overallRate: 50 }), apiWatch);
    await drained();

    const only = process.env.BENCH_ONLY; // 'status' or 'submit': one half, e.g. to profile it
    const lines: string[] = [];
    const summary: string[] = [];
    const ratio = (a: number, b: number) => (a / Math.max(b, 1e-9)).toFixed(2);
    if (only !== 'submit') {
      const bareAt500 = await paced({ url: bareUrl }, 500, bareWatch);
      const statusAt500 = await paced({ url: statusUrl, headers }, 500, apiWatch);
      const bareMax = await run({ url: bareUrl, connections: 10 }, bareWatch);
      const statusMax = await run({ url: statusUrl, headers, connections: 10 }, apiWatch);
      lines.push(line('bare Fastify route at 500 req/s', bareAt500, 'bare'), line('request status at 500 req/s', statusAt500),
        line('bare Fastify route, max', bareMax, 'bare'), line('request status, max', statusMax));
      summary.push(
        `status p99 at 500 req/s: ${statusAt500.result.latency.p99} ms (target < 10 ms); bare route ${bareAt500.result.latency.p99} ms; ratio ${ratio(statusAt500.result.latency.p99, bareAt500.result.latency.p99)}`,
        `status throughput / bare throughput: ${ratio(statusMax.result.requests.average, bareMax.result.requests.average)}`,
        `API CPU per status request / bare CPU per request: ${ratio(statusMax.apiCpuPerRequest, bareMax.apiCpuPerRequest)}`,
      );
    }
    if (only !== 'status') {
      const bareAt100 = await paced({ url: bareUrl }, 100, bareWatch);
      const bareMax = await run({ url: bareUrl, connections: 10 }, bareWatch);
      const submitAt50 = await paced(submit(), 50, apiWatch, 10);
      await drained();
      const submitAt100 = await paced(submit(), 100, apiWatch);
      await drained();
      const submitMax = await run(submit(), apiWatch);
      lines.push(line('bare Fastify route at 100 req/s', bareAt100, 'bare'), line('submit at 50 req/s', submitAt50),
        line('submit at 100 req/s', submitAt100), line('submit, max', submitMax));
      summary.push(
        `submit p99 at 50 / 100 req/s: ${submitAt50.result.latency.p99} / ${submitAt100.result.latency.p99} ms (target < 50 ms); bare route at 100 req/s ${bareAt100.result.latency.p99} ms`,
        `submit throughput / bare throughput: ${ratio(submitMax.result.requests.average, bareMax.result.requests.average)}`,
        `engine+workers CPU per submit (100 req/s phase): ${submitAt100.engineCpuPerRequest.toFixed(2)} ms`,
      );
    }
    const loadAfter = load();
    await drained();
    console.log(lines.join('\n'));
    console.log('');
    console.log(summary.join('\n'));
    console.log(`load average after: ${loadAfter} (other work on the machine shows here: latency under load is only as good as the quiet the machine had)`);
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  process.exit(1);
});
