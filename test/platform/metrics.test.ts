// Prometheus metrics of every process: the API's /metrics with its own series
// (requests filed, HTTP), the city's task gauges per district and role read
// from PostgreSQL, the runtime series (CPU, heap, event loop, GC), and the
// engine's and workers' series, which npm run engine / npm run workers serve
// on METRICS_PORT.
import t from 'tap';
import { serveMetrics } from '../../platform/metrics.ts';
import { bindJob, complete } from '../../workers/job.ts';
import { chain, deploy, serviceTask } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { signInCitizen, startTestApi } from '../api/helpers.ts';
import { treePruningForm } from '../api/fixtures.ts';
import { silentLogger } from '../workers/helpers.ts';

t.test('the API: requests filed, tasks open and overdue per district and role, runtime series', async (t) => {
  const api = await startTestApi(t);
  const { app, db } = api;
  const citizen = await signInCitizen(api, '0013542419', '09121234567');
  const headers = { authorization: citizen.authorization, 'idempotency-key': 'metrics-1' };
  for (let i = 0; i < 2; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/api/requests', headers, payload: { serviceId: 'tree-pruning', districtId: 12, form: treePruningForm } })).statusCode, 201);
  }
  const request = await db('requests').first('id');
  const task = (jobKey: string, groups: string[], dueAt: Date | null) => ({
    job_key: jobKey, request_id: request.id, process_instance_key: '1', element_id: 'Review', name: 'بررسی', candidate_groups: groups, due_at: dueAt, job_retries: 3,
  });
  await db('user_tasks').insert([
    task('9001', ['district-12:clerk'], new Date(Date.now() - 3_600_000)),
    task('9002', ['district-12:clerk'], new Date(Date.now() + 3_600_000)),
    task('9003', ['district-5:inspector', 'district-12:manager'], null),
  ]);
  const response = await app.inject({ url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], 'text/plain');
  const body = response.body;
  t.match(body, /shahrdari_requests_filed_total\{service="tree-pruning",district="12",channel="portal"\} 1\n/, 'filed once: the repeated Idempotency-Key is no new filing');
  t.match(body, /shahrdari_user_tasks_open\{district="12",role="clerk"\} 2\n/);
  t.match(body, /shahrdari_user_tasks_overdue\{district="12",role="clerk"\} 1\n/);
  t.match(body, /shahrdari_user_tasks_open\{district="5",role="inspector"\} 1\n/);
  t.match(body, /shahrdari_user_tasks_open\{district="12",role="manager"\} 1\n/);
  t.match(body, /shahrdari_requests_unstarted \d+\n/);
  t.match(body, /http_request_duration_seconds_count\{method="POST",route="\/api\/requests",status="201"\} 2\n/);
  for (const series of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_bucket']) {
    t.match(body, new RegExp(`^${series}`, 'm'), series);
  }
  t.equal(body.match(/^# TYPE http_request_duration_seconds /gm)?.length, 1, 'each family once');
});

t.test('engine and workers: commit latency and batch size, jobs by type and outcome, on their own endpoint', async (t) => {
  const api = await startTestApi(t);
  await deploy(api.zeebe, chain('metrics-job', [{ id: 'work', xml: serviceTask('work', 'metrics.work') }]));
  const worker = bindJob(api.zeebe, silentLogger, 'metrics.work', async () => complete({ done: true }));
  t.teardown(() => worker.close());
  await api.zeebe.createProcessInstance({ bpmnProcessId: 'metrics-job', variables: {} });
  const endpoint = await serveMetrics(0, '127.0.0.1', silentLogger);
  t.teardown(() => endpoint.close());
  const scrape = async () => (await fetch(`http://127.0.0.1:${endpoint.port}/metrics`)).text();
  const body = await eventually('the completed job counted', async () => {
    const text = await scrape();
    return /shahrdari_jobs_total\{type="metrics.work",outcome="completed"\} 1/.test(text) ? text : undefined;
  }, { timeoutMs: 10_000 });
  t.match(body, /shahrdari_job_duration_seconds_count\{type="metrics.work"\} 1/);
  t.match(body, /shahrdari_engine_commit_seconds_count [1-9]/);
  t.match(body, /shahrdari_engine_commit_batch_size_bucket\{le="1"\} \d+/);
  t.match(body, /^nodejs_eventloop_lag_seconds/m);
  t.equal((await fetch(`http://127.0.0.1:${endpoint.port}/other`)).status, 404);
});
