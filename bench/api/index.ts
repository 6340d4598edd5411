// bench/api: requests/s and p99 of the request-status route and of submit,
// each beside a bare Fastify route measured in the same run, with autocannon
// over loopback. Targets (issue 6): status p99 under 10 ms at 500 req/s,
// submit p99 under 50 ms.
//
//   npx tsx bench/api/index.ts [seconds per phase, default 10]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import Fastify from 'fastify';
import pino from 'pino';
import { buildApp } from '../../api/app.ts';
import { startEngine } from '../../engine/index.ts';
import { readConfig } from '../../platform/config.ts';
import { createKnex, migrateToLatest } from '../../platform/database.ts';
import { deployResources } from '../../platform/deployment.ts';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createZeebeClient } from '../../platform/zeebe.ts';
import { startWorkers } from '../../workers/index.ts';

const seconds = Number(process.argv[2] ?? 10);
const logger = pino({ level: 'warn' });

const form = {
  citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567',
  address: 'مشهد، بلوار پیروزی، کوچه ۱۲', treeCount: 3, urgency: 'normal', declaration: true,
};

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ duration: seconds, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function line(name: string, result: Result) {
  const failed = result.non2xx + result.errors + result.timeouts;
  return `${name.padEnd(34)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   failed ${failed}`;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-bench-api-'));
  fs.chmodSync(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), logger });
  const db = createKnex(postgres.url, { max: 20 });
  const bare = Fastify();
  try {
    await migrateToLatest(db);
    const engine = await startEngine({ db, port: 0, logger });
    const config = readConfig({ JWT_SECRET: 'bench-secret-that-is-at-least-32-characters', DEMO_SEED: 'false', LOG_LEVEL: 'warn' });
    const zeebe = createZeebeClient(config, engine.address, logger);
    await deployResources(zeebe, logger);
    const workers = startWorkers({ zeebe, db, logger, publicUrl: config.publicUrl });
    const app = await buildApp({ config, db, zeebe, logger });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });

    bare.get('/bare', async () => ({ status: 'ok' }));
    const bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });

    // Sign in as a citizen the way a phone does: code by SMS (the outbox), then token.
    await app.inject({ method: 'POST', url: '/api/auth/citizen/code', payload: { nationalCode: form.nationalCode, mobile: form.mobile } });
    const sms = await db('notifications').where({ recipient: form.mobile, template: 'sign-in-code' }).orderBy('id', 'desc').first();
    const code = [...(/[۰-۹]{6}/.exec(sms.body)![0])].map((digit) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(digit))).join('');
    const token = (await app.inject({ method: 'POST', url: '/api/auth/citizen/token', payload: { nationalCode: form.nationalCode, mobile: form.mobile, code } })).json().token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const submitted = await app.inject({ method: 'POST', url: '/api/requests', headers, payload: { serviceId: 'tree-pruning', districtId: 12, form } });
    const trackingCode = submitted.json().trackingCode as string;

    console.log(`bench/api: ${seconds} s per phase, 2 cores, autocannon over loopback\n`);
    const bareAt500 = await run({ url: `${bareBase}/bare`, connections: 10, overallRate: 500 });
    const statusAt500 = await run({ url: `${base}/api/requests/${trackingCode}`, headers, connections: 10, overallRate: 500 });
    const bareMax = await run({ url: `${bareBase}/bare`, connections: 10 });
    const statusMax = await run({ url: `${base}/api/requests/${trackingCode}`, headers, connections: 10 });
    const submitMax = await run({
      url: `${base}/api/requests`, method: 'POST', headers, connections: 10,
      body: JSON.stringify({ serviceId: 'tree-pruning', districtId: 12, form }),
      requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }) }],
    });

    console.log(line('bare Fastify route at 500 req/s', bareAt500));
    console.log(line('request status at 500 req/s', statusAt500));
    console.log(line('bare Fastify route, max', bareMax));
    console.log(line('request status, max', statusMax));
    console.log(line('submit (starts an instance), max', submitMax));
    console.log('');
    console.log(`status p99 at 500 req/s: ${statusAt500.latency.p99} ms (target < 10 ms; bare route ${bareAt500.latency.p99} ms)`);
    console.log(`status throughput / bare throughput: ${(statusMax.requests.average / bareMax.requests.average).toFixed(3)}`);
    console.log(`submit throughput / bare throughput: ${(submitMax.requests.average / bareMax.requests.average).toFixed(3)}`);
    console.log(`submit p99: ${submitMax.latency.p99} ms (target < 50 ms)`);

    await app.close();
    await workers.stop();
    await zeebe.close(1000);
    await engine.stop();
  } finally {
    await bare.close();
    await db.destroy();
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
