// bench/scale: one engine, three API processes behind a round-robin balancer
// and two workers processes on one PostgreSQL, driving a few hundred resident
// parking permits to the end — a citizen signing in, filing, paying at the
// bank's page; the clerk accepting the documents; workers booking the
// payment, issuing the permit, sending the messages — while each API and
// workers process is restarted in turn, alternately with SIGTERM (a rolling
// upgrade) and kill -9 (a crash). Then it checks that nothing was lost or
// done twice (checks.ts) and prints the figures.
//
//   npx tsx bench/scale/index.ts [filings, default 300] [citizens at once, default 30]
//
// Exit code 0 when every check holds. Logs of every process are kept in the
// run folder it prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { freePort } from '../../platform/free-port.ts';
import { startBalancer } from './balancer.ts';
import { checkRun, messagesPerRequest } from './checks.ts';
import { member, runOnce, type Member } from './fleet.ts';
import { citizenErrand, clerkRounds, http, type Filing } from './people.ts';

const filings = Number(process.argv[2] ?? 300);
const concurrency = Number(process.argv[3] ?? 30);
const runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-scale-'));
fs.chmodSync(runDirectory, 0o755);
const say = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
say(`run folder ${runDirectory}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);

const postgres = await startEmbeddedPostgres({
  dataDir: path.join(runDirectory, 'postgres'), logger: pino({ level: 'warn' }), database: 'shahrdari', settings: { max_connections: '300' },
});
const db = createKnex(postgres.url);
await migrateToLatest(db);

const enginePort = await freePort();
const apiPorts = [await freePort(), await freePort(), await freePort()];
const balancer = await startBalancer(() => apiPorts);
const common = {
  DATABASE_URL: postgres.url, ZEEBE_ADDRESS: `127.0.0.1:${enginePort}`, JWT_SECRET: 'scale-bench-secret-that-is-at-least-32-characters',
  DEMO_SEED: 'true', PUBLIC_URL: balancer.url, DATA_DIR: runDirectory,
};
const healthy = (port: number) => async () => fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
const engine = member({
  name: 'engine', command: 'engine', env: { DATABASE_URL: postgres.url, ZEEBE_PORT: String(enginePort), DATA_DIR: runDirectory },
  ready: (output) => output.includes('embedded engine listening'),
}, runDirectory);
const apis = apiPorts.map((port, index) => member({ name: `api-${index + 1}`, command: 'api', env: { ...common, PORT: String(port) }, ready: healthy(port) }, runDirectory));
const workers = [1, 2].map((index) => member({ name: `workers-${index}`, command: 'workers', env: common, ready: (output) => output.includes('"workers started"') }, runDirectory));
const fleet: Member[] = [engine, ...apis, ...workers];

let exitCode = 1;
// Whatever goes wrong in the bench itself, the fleet and PostgreSQL are stopped before it exits.
process.on('uncaughtException', (error) => say(`bench error: ${error.stack}`));
try {
  const started = Date.now();
  await engine.start();
  await runOnce({ name: 'deploy', command: 'deploy', env: common }, runDirectory);
  await Promise.all([...apis, ...workers].map((process) => process.start()));
  say(`fleet up in ${Date.now() - started} ms: engine, ${apis.length} APIs (${apiPorts.join(', ')}) behind ${balancer.url}, ${workers.length} workers processes`);

  const api = http(balancer.url);
  const deadline = Date.now() + 30 * 60_000;
  let clerkToken: string | undefined;
  const staffToken = async () => (clerkToken ??= (await api.call('POST', '/api/auth/staff/token', { body: { username: 'clerk-12', password: 'shahrdari-demo' } })).body.token);
  let finished = false;
  const clerk = clerkRounds(api, staffToken, () => finished);

  // Citizens, `concurrency` at a time.
  const done: Filing[] = [];
  const failures: string[] = [];
  let nextCitizen = 0;
  const errands = Array.from({ length: concurrency }, async () => {
    while (nextCitizen < filings) {
      const n = nextCitizen++;
      try {
        done.push(await citizenErrand(api, n + 1, deadline));
        if (done.length % 50 === 0) say(`${done.length} of ${filings} closed`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  });

  // Meanwhile each API and workers process restarts in turn, SIGTERM and kill -9 alternately, until the citizens are done.
  const restarts: string[] = [];
  const order = [apis[0]!, workers[0]!, apis[1]!, workers[1]!, apis[2]!];
  const restarting = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (let round = 0; !finished; round++) {
      const target = order[round % order.length]!;
      const signal = (round + Math.floor(round / order.length)) % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
      const stopAt = Date.now();
      const ended = await target.stop(signal);
      await target.start();
      restarts.push(`${target.name} ${signal} (exit ${ended}), back in ${Date.now() - stopAt} ms`);
      say(`restarted ${restarts.at(-1)}`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  })();

  await Promise.all(errands);
  finished = true;
  const accepted = await clerk;
  await restarting;
  const seconds = (Date.now() - started) / 1000;

  // The outbox senders run every 2 s: let them finish what the last closes queued.
  for (let wait = 0; wait < 30 && Number((await db('notifications').where({ status: 'pending' }).count('* as n'))[0]!.n) > 0; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const checks = await checkRun(db, done.map((filing) => filing.trackingCode));
  const times = done.map((filing) => filing.closedMs!).sort((a, b) => a - b);
  const at = (q: number) => ((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) / 1000).toFixed(1);
  say(`filings: ${filings}, closed: ${done.length}, failed errands: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}`);
  say(`time: ${seconds.toFixed(0)} s for the run, errand p50 ${at(0.5)} s, p90 ${at(0.9)} s, max ${at(1)} s; documents accepted by the clerk: ${accepted}`);
  say(`restarts: ${restarts.length} (${restarts.filter((r) => r.includes('SIGKILL')).length} kill -9); http retries ${api.retried}, balancer rerouted ${balancer.rerouted}, dropped ${balancer.dropped}`);
  say(`messages per request: ${JSON.stringify(await messagesPerRequest(db, done.map((filing) => filing.trackingCode)))}`);
  for (const check of checks) say(`${check.broken.length === 0 ? 'ok  ' : 'FAIL'} ${check.name}${check.broken.length ? `: ${check.broken.slice(0, 5).join(', ')}${check.broken.length > 5 ? ` and ${check.broken.length - 5} more` : ''}` : ''}`);
  say(`load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  exitCode = failures.length === 0 && done.length === filings && checks.every((check) => check.broken.length === 0) ? 0 : 1;
} catch (error) {
  say(`run failed: ${(error as Error).stack}`);
} finally {
  await Promise.all([...apis, ...workers].map((process) => process.stop('SIGTERM')));
  await engine.stop('SIGTERM');
  await balancer.close();
  await db.destroy();
  await postgres.stop();
  say(`logs kept in ${runDirectory}`);
}
process.exit(exitCode);
