// Several API and workers processes, restarted under load, lose nothing and
// do nothing twice: one engine, three API processes behind a round-robin
// balancer and two workers processes (each started as npm run starts it) on
// one database; citizens file resident parking permits through the balancer,
// the clerk accepts their documents through the task API, they pay at the
// bank's page, the workers book the payment, issue the permit and send the
// messages — while two rounds restart two APIs and both workers processes,
// each kind once with SIGTERM and once with kill -9. The short version of
// bench/scale (which restarts every process with each signal, 300 filings).
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { report, runScale } from '../bench/scale/run.ts';
import { createTestDatabaseUrl } from './helpers/database.ts';
import { dashboardSeries, exportedFamilies } from './helpers/dashboard.ts';

// Seven processes and four restarts on a machine that runs other test files too.
t.setTimeout(600_000);

t.test('three APIs and two workers processes, restarted under load: nothing lost, nothing twice', async (t) => {
  const runDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'shahrdari-scale-test-'));
  fs.chmodSync(runDirectory, 0o755);
  t.teardown(() => fs.rmSync(runDirectory, { recursive: true, force: true }));
  const databaseUrl = await createTestDatabaseUrl(t);
  const filings = 10;
  // A workers process killed while it holds a user task it has not listed yet hides it this long.
  const result = await runScale({ databaseUrl, runDirectory, filings, concurrency: 5, minimumRounds: 2, userTaskLeaseSeconds: 5, pauseMs: 500 });
  t.comment(report(result).join('\n'));
  t.same(result.failures, [], 'every errand ended');
  t.equal(result.closed.length, filings, 'every filing closed');
  t.ok(result.closed.every((filing) => filing.outcome === 'completed'), 'each with its permit');
  for (const check of result.checks) t.same(check.broken, [], check.name);
  const restarted = (prefix: string, signal: string) => new Set(result.restarts.filter((restart) => restart.process.startsWith(prefix) && restart.signal === signal).map((restart) => restart.process));
  t.equal(new Set(result.restarts.map((restart) => restart.process).filter((name) => name.startsWith('workers-'))).size, 2, 'both workers processes restarted');
  for (const kind of ['api-', 'workers-']) {
    t.ok(restarted(kind, 'SIGTERM').size > 0 && restarted(kind, 'SIGKILL').size > 0, `${kind.slice(0, -1)} processes stopped with SIGTERM and with kill -9`);
  }
  t.ok(result.restarts.filter((restart) => restart.signal === 'SIGTERM').every((restart) => restart.exit === '0'), 'SIGTERM: a clean exit 0');

  // Each process's /metrics, as Prometheus scrapes it: the runtime series from
  // every one, and each domain series from the process that produces it.
  const { scrapes } = result;
  t.same(Object.keys(scrapes).sort(), ['api-1', 'api-2', 'api-3', 'engine', 'workers-1', 'workers-2'], 'every process answers /metrics');
  const runtime = ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds'];
  const domain: Record<string, string[]> = {
    api: ['http_request_duration_seconds', 'shahrdari_requests_filed_total', 'shahrdari_user_tasks_open', 'shahrdari_user_tasks_overdue', 'shahrdari_requests_unstarted', 'shahrdari_notifications_pending'],
    workers: ['shahrdari_jobs_total', 'shahrdari_job_duration_seconds'],
    engine: ['shahrdari_engine_commit_seconds', 'shahrdari_engine_commit_batch_size'],
  };
  for (const [name, text] of Object.entries(scrapes)) {
    const families = exportedFamilies(text);
    const kind = name.replace(/-\d+$/, '');
    t.same([...runtime, ...domain[kind]!].filter((family) => !families.has(family)), [], `${name} exports the runtime series and its own: ${domain[kind]!.join(', ')}`);
    for (const [other, series] of Object.entries(domain)) {
      if (other !== kind) t.same(series.filter((family) => families.has(family)), [], `${name} exports no ${other} series`);
    }
  }
  const sum = (pattern: RegExp, names: string[]) => names.reduce((total, name) => total + [...scrapes[name]!.matchAll(pattern)].reduce((sub, match) => sub + Number(match[1]), 0), 0);
  const apis = ['api-1', 'api-2', 'api-3'];
  // api-3 was never restarted: it counted its share of the filings.
  t.ok(sum(/^shahrdari_requests_filed_total\{service="resident-parking-permit",district="12",channel="portal"\} (\d+)$/gm, apis) > 0, 'the APIs counted requests filed by service, district and channel');
  t.ok(sum(/^shahrdari_jobs_total\{type="[^"]+",outcome="completed"\} (\d+)$/gm, ['workers-1', 'workers-2']) > 0, 'the workers counted jobs completed by type');
  t.ok(sum(/^shahrdari_engine_commit_seconds_count (\d+)$/gm, ['engine']) > 0 && sum(/^shahrdari_engine_commit_batch_size_count (\d+)$/gm, ['engine']) > 0, 'the engine timed its commits and their batch sizes');
  // The dashboard queries only what the processes export (the Camunda series aside).
  const exported = new Set(Object.values(scrapes).flatMap((text) => [...exportedFamilies(text)]));
  t.same(dashboardSeries().filter(({ family }) => !exported.has(family)), [], 'every series the Grafana dashboard queries is exported by some process');
});
