// The Camunda 8.8 gateway protocol (the one @camunda8/sdk ships) is served
// beside zeebe-node's 8.3 one: both clients work against the same engine, and
// what 8.8 added (UpdateJobTimeout, tenant fields, decision instance keys) runs
// as Zeebe documents it.
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import t from 'tap';
import { servedProtocol, zeebeNodeProtoPath } from '../../engine/grpc/protocol.ts';
import { activate, chain, deploy, newSdkClient, serviceTask, startTestEngine } from './helpers.ts';

const require = createRequire(import.meta.url);
const sdkProtoPath = path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist', 'proto', 'zeebe.proto');

t.test('every message, field and method of the 8.8 and 8.3 protocol files is served, with the same numbers', async (t) => {
  const served = protobuf.Root.fromJSON(servedProtocol()).lookup('gateway_protocol') as protobuf.Namespace;
  for (const [label, file] of [['@camunda8/sdk 8.8', sdkProtoPath], ['zeebe-node 8.3', zeebeNodeProtoPath]] as const) {
    const client = new protobuf.Root().loadSync(file, { keepCase: true }).lookup('gateway_protocol') as protobuf.Namespace;
    let fields = 0;
    const visit = (namespace: protobuf.NamespaceBase, prefix: string) => {
      for (const nested of namespace.nestedArray) {
        const name = `${prefix}${nested.name}`;
        if (nested instanceof protobuf.Type) {
          const ours = served.lookupType(name);
          for (const field of nested.fieldsArray) {
            const mine = ours.fields[field.name];
            t.ok(mine && mine.id === field.id && mine.type === field.type && mine.repeated === field.repeated, `${name}.${field.name} = ${field.id} (${field.type})`);
            fields++;
          }
        } else if (nested instanceof protobuf.Service) {
          const ours = served.lookupService(name);
          for (const method of nested.methodsArray) {
            const mine = ours.methods[method.name];
            t.ok(mine && mine.requestType === method.requestType && mine.responseType === method.responseType && Boolean(mine.responseStream) === Boolean(method.responseStream), `rpc ${method.name}`);
          }
        } else if (nested instanceof protobuf.Enum) {
          t.same(served.lookupEnum(name).values, nested.values, `enum ${name}`);
        }
        if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested, `${name}.`);
      }
    };
    visit(client, '');
    t.ok(fields > 150, `${label}: ${fields} fields compared`);
  }
});

const { client, engine } = await startTestEngine(t);

t.test('@camunda8/sdk: topology, deploy, start, a worker completes the job, the result comes back', async (t) => {
  const sdk = await newSdkClient(t, engine.port);
  const topology = await sdk.topology();
  t.equal(topology.brokers[0]?.partitions[0]?.role, 'LEADER');
  t.equal(topology.gatewayVersion, '8.8.0');
  await sdk.deployResource({ name: 'sdk-basic.bpmn', process: Buffer.from(chain('sdk-basic', [{ id: 'work', xml: serviceTask('work', 'sdk.work') }])) });
  const worker = sdk.createWorker({
    taskType: 'sdk.work', pollInterval: 50 as never,
    taskHandler: (job) => job.complete({ doubled: Number(job.variables.n) * 2 }),
  });
  t.teardown(() => worker.close());
  const result = await sdk.createProcessInstanceWithResult({ bpmnProcessId: 'sdk-basic', variables: { n: 21 }, requestTimeout: 10_000 });
  t.equal(result.variables.doubled, 42);
  const { key } = await sdk.broadcastSignal({ signalName: 'nothing-listens', variables: {} });
  t.ok(Number(key) > 0, 'BroadcastSignal answers with its key');
});

t.test('UpdateJobTimeout extends and shortens an activated job; refusals as Zeebe', async (t) => {
  const sdk = await newSdkClient(t, engine.port);
  await deploy(client, chain('short-lease', [{ id: 'decide', xml: serviceTask('decide', 'sdk.lease') }]));
  await client.createProcessInstance({ bpmnProcessId: 'short-lease', variables: {} });
  const base = Date.now() + 24 * 3_600_000;
  await engine.clock.pin(base);
  const [job] = await activate(client, 'sdk.lease', 1, -1, [], 60_000);
  t.ok(job, 'activated with a one-minute lease');
  await sdk.updateJobTimeout({ jobKey: job!.key, timeout: 3_600_000 });
  await engine.clock.pin(base + 5 * 60_000);
  t.same(await activate(client, 'sdk.lease', 1, -1), [], 'five minutes on, the extended job is still with its worker');
  await sdk.updateJobTimeout({ jobKey: job!.key, timeout: 1_000 });
  await engine.clock.pin(base + 5 * 60_000 + 1_001);
  const again = await activate(client, 'sdk.lease', 1, -1, [], 60_000);
  t.equal(again[0]?.key, job!.key, 'a shortened timeout hands the job back once it passes');
  await engine.clock.reset();

  await t.rejects(sdk.updateJobTimeout({ jobKey: '2251799813999999', timeout: 1_000 }), { code: 5 }, 'an unknown job is NOT_FOUND');
  for (const timeout of [0, -5, 2 ** 60]) {
    await t.rejects(sdk.updateJobTimeout({ jobKey: job!.key, timeout }), { code: 3 }, `timeout ${timeout} is INVALID_ARGUMENT`);
  }
  await client.failJob({ jobKey: job!.key, retries: 3, errorMessage: 'later', retryBackOff: 60_000 });
  await t.rejects(sdk.updateJobTimeout({ jobKey: job!.key, timeout: 1_000 }), { code: 9 }, 'a job that is not activated is FAILED_PRECONDITION');
});

t.test('tenant fields: the default tenant is accepted, any other refused while multi-tenancy is off', async (t) => {
  const sdk = await newSdkClient(t, engine.port);
  const signal = await sdk.broadcastSignal({ signalName: 's', variables: {}, tenantId: '<default>' });
  t.equal((signal as { tenantId?: string }).tenantId, '<default>', 'the answer names the tenant (8.8 protocol field)');
  await t.rejects(sdk.broadcastSignal({ signalName: 's', variables: {}, tenantId: 'district-12' }), { code: 3 });
  await t.rejects(activate(client, 'any', 1, -1).then(() => (client as any).grpc.activateJobsStream({ type: 'any', worker: 'w', timeout: 1_000, maxJobsToActivate: 1, requestTimeout: -1, tenantIds: ['district-12'] }))
    .then((stream: any) => new Promise((resolve, reject) => { stream.on('error', reject); stream.on('end', resolve); stream.on('data', () => undefined); })), { code: 3 }, 'ActivateJobs for another tenant is INVALID_ARGUMENT');
});

t.test("DeployResource answers in Zeebe's order: processes, decisions, decision requirements, forms", async (t) => {
  const sdk = await newSdkClient(t, engine.port);
  const decisions = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="order-fees" name="Order fees" namespace="http://shahrdari">
  <decision id="orderFee" name="Order fee"><literalExpression id="e1"><text>500</text></literalExpression></decision>
  <decision id="orderTax" name="Order tax"><literalExpression id="e2"><text>9</text></literalExpression></decision>
</definitions>`;
  const form = JSON.stringify({ id: 'order-form', type: 'default', components: [] });
  const deployed = await sdk.deployResources([
    { name: 'order.form', form: Buffer.from(form) },
    { name: 'order-fees.dmn', decision: Buffer.from(decisions) },
    { name: 'order.bpmn', process: Buffer.from(chain('order-a', [])) },
    { name: 'order-b.bpmn', process: Buffer.from(chain('order-b', [])) },
  ] as never);
  const kinds = deployed.deployments.map((d: any) => Object.keys(d).find((k) => d[k]));
  t.same(kinds, ['process', 'process', 'decision', 'decision', 'decisionRequirements', 'form']);
  t.same(deployed.deployments.slice(0, 2).map((d: any) => d.process.bpmnProcessId), ['order-a', 'order-b'], 'each kind keeps the order it was given in');
  const onlyDecisions = await client.deployResource({ name: 'order-fees-2.dmn', decision: Buffer.from(decisions.replace('500', '600')) });
  t.equal((onlyDecisions.deployments[0] as any).decision?.dmnDecisionId, 'orderFee', 'deployments[0].decision is a decision, as clients written for Zeebe read it');
  const evaluated = await sdk.evaluateDecision({ decisionId: 'orderFee', variables: {} });
  t.equal(evaluated.decisionOutput, '600');
  t.ok(Number((evaluated as { decisionInstanceKey?: string }).decisionInstanceKey) > 0, 'an 8.8 answer carries the decision instance key');
});
