// Whole-process runs on the embedded engine through zeebe-node: every one of
// the 54 services on its happy path and on a rejection (or, where no staff
// decides, a lapse), with stand-in workers that follow the worker contract.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { ZBClient } from 'zeebe-node';
import { services } from '../../processes/catalogue/index.ts';
import { jobTypes, userTaskJobType } from '../../processes/catalogue/contract.ts';
import { listDiagrams } from '../../processes/diagrams.ts';
import { formsDirectory, listFormIds } from '../../processes/forms/index.ts';
import { startTestEngine } from '../engine/helpers.ts';
import { eventually } from '../helpers/eventually.ts';

t.setTimeout(600_000);

type Scenario = 'happy' | 'reject' | 'lapse' | 'correct' | 'cancel' | 'overdue';

interface Run {
  scenario: Scenario;
  statuses: string[];
  /** The `reason` each status was recorded with, if any. */
  reasons: Record<string, string>;
  outcome?: string;
  corrected?: boolean;
  reversed?: boolean;
  escalatedTo: string[];
}

const runs = new Map<string, Run>();

const decisions: Record<'happy' | 'reject', Record<string, string>> = {
  happy: {
    documentDecision: 'accept', inspectionResult: 'pass', inspectionNotes: 'مطابق است', approvalDecision: 'approve',
    workResult: 'done', responseDecision: 'answered', responseText: 'درخواست شما بررسی و انجام شد.',
  },
  reject: {
    documentDecision: 'reject', documentReason: 'سند معتبر نیست', inspectionResult: 'fail', inspectionNotes: 'مغایرت دارد',
    approvalDecision: 'reject', approvalReason: 'خلاف ضوابط', workResult: 'not-possible', workNotes: 'امکان اجرا نیست',
    responseDecision: 'declined', responseText: 'درخواست قابل پذیرش نیست.',
  },
};

function publishLater(client: ZBClient, name: string, correlationKey: string, variables: Record<string, unknown> = {}): void {
  setTimeout(() => {
    client.publishMessage({ name, correlationKey, variables, timeToLive: 60_000 }).catch(() => undefined);
  }, 20);
}

function startWorkers(client: ZBClient): Array<{ close(): Promise<unknown> }> {
  const handlers: Record<string, (variables: Record<string, any>, headers: Record<string, string>, run: Run) => Record<string, unknown>> = {
    'request.status': (variables, headers, run) => {
      run.statuses.push(headers.status!);
      if (typeof variables.reason === 'string') run.reasons[headers.status!] = variables.reason;
      if (run.scenario === 'cancel' && headers.status === 'awaiting-payment') publishLater(client, 'request-cancelled', variables.requestId);
      return {};
    },
    'request.close': (variables, _h, run) => { run.outcome = variables.outcome; return {}; },
    'sla.due-date': (_v, _h, run) => ({ dueDate: new Date(Date.now() + (run.scenario === 'overdue' ? -1 : 7) * 86_400_000).toISOString() }),
    'payment.request': (variables, _h, run) => {
      const paymentId = `pay-${variables.requestId}-${variables.paymentAttempts}`;
      if (run.scenario !== 'cancel') publishLater(client, run.scenario === 'lapse' ? 'payment-failed' : 'payment-confirmed', paymentId);
      return { paymentId, amount: 1_000_000 };
    },
    'payment.reverse': (_v, _h, run) => { run.reversed = true; return {}; },
    'inspection.assign': () => ({ inspectorId: 'inspector-1' }),
    'approval.route': () => ({ approvalGroup: 'district-12:manager' }),
    'appointment.book': (variables, _h, run) => {
      const appointmentId = `apt-${variables.requestId}`;
      publishLater(client, run.scenario === 'lapse' ? 'appointment-missed' : 'appointment-attended', appointmentId);
      return { appointmentId, appointmentAt: new Date(Date.now() + 86_400_000).toISOString(), reminderAt: new Date(Date.now() - 1_000).toISOString() };
    },
    'appointment.remind': () => ({}),
    'notification.send': (variables, headers, run) => {
      if (headers.template === 'sla-escalated') run.escalatedTo.push(variables.recipientGroup);
      return {};
    },
    'certificate.issue': (variables) => ({ certificateId: `cert-${variables.requestId}`, certificateNumber: '12-1405-000001' }),
    [userTaskJobType]: (variables, _h, run) => {
      if (run.scenario === 'correct' && !run.corrected && variables.documentDecision === undefined) {
        run.corrected = true;
        publishLater(client, 'request-resubmitted', variables.requestId, { form: { ...variables.form, corrected: true } });
        return { documentDecision: 'return', documentReason: 'تصویر سند خوانا نیست' };
      }
      return decisions[run.scenario === 'reject' ? 'reject' : 'happy'];
    },
  };
  t.same(Object.keys(handlers).sort(), [...jobTypes, userTaskJobType].sort(), 'a stand-in for every job type');
  return Object.entries(handlers).map(([taskType, handle]) => client.createWorker({
    taskType,
    maxJobsToActivate: 32,
    taskHandler: (job) => {
      const variables = job.variables as Record<string, any>;
      const run = runs.get(variables.requestId);
      if (!run) return job.fail('unknown request');
      return job.complete(handle(variables, job.customHeaders as Record<string, string>, run));
    },
  }));
}

async function start(client: ZBClient, serviceId: string, scenario: Scenario): Promise<Run> {
  const requestId = randomUUID();
  const run: Run = { scenario, statuses: [], reasons: {}, escalatedTo: [] };
  runs.set(requestId, run);
  await client.createProcessInstance({
    bpmnProcessId: serviceId,
    variables: {
      requestId, trackingCode: requestId.slice(0, 8), serviceId, districtId: 12, channel: 'portal',
      citizen: { nationalCode: '0013542419', mobile: '09121234567', name: 'مریم احمدی' },
      form: { floorArea: 120, treeCount: 2 },
    },
  });
  return run;
}

t.test('all diagrams and forms deploy, and each service runs to its outcome', async (t) => {
  const { client } = await startTestEngine(t);
  const started = Date.now();
  for (const id of listFormIds()) await client.deployResource({ name: `${id}.form`, form: fs.readFileSync(path.join(formsDirectory, `${id}.form`)) });
  for (const diagram of [...listDiagrams().filter((file) => file.shared), ...listDiagrams().filter((file) => !file.shared)]) {
    await client.deployResource({ name: path.basename(diagram.file), process: fs.readFileSync(diagram.file) });
  }
  t.comment(`deployed in ${Date.now() - started} ms`);
  const workers = startWorkers(client);
  t.teardown(() => Promise.all(workers.map((worker) => worker.close())));

  const expectations: Array<{ service: string; scenario: Scenario; run: Run; outcome: string }> = [];
  for (const service of services) {
    expectations.push({ service: service.id, scenario: 'happy', run: await start(client, service.id, 'happy'), outcome: 'completed' });
    const staffDecides = service.steps.some((step) => ['document-check', 'inspection', 'approval', 'field-work', 'response'].includes(step));
    const scenario: Scenario = staffDecides ? 'reject' : 'lapse';
    expectations.push({ service: service.id, scenario, run: await start(client, service.id, scenario), outcome: staffDecides ? 'rejected' : 'lapsed' });
    if (service.steps.includes('document-check')) {
      expectations.push({ service: service.id, scenario: 'correct', run: await start(client, service.id, 'correct'), outcome: 'completed' });
    }
  }
  for (const expectation of expectations) {
    await eventually('the run to end', async () => expectation.run.outcome, { timeoutMs: 60_000 }).catch(() => undefined);
    t.equal(expectation.run.outcome, expectation.outcome, `${expectation.service} (${expectation.scenario}): ${expectation.run.statuses.join(' → ')}`);
    t.equal(expectation.run.statuses[0], 'received', `${expectation.service} (${expectation.scenario}): received first`);
    if (expectation.scenario === 'reject') t.ok(expectation.run.statuses.includes('rejected'), `${expectation.service}: rejection recorded with its reason`);
    if (expectation.scenario === 'happy' && services.find((service) => service.id === expectation.service)!.steps.includes('appointment')) {
      t.ok(expectation.run.statuses.includes('appointment-booked'), `${expectation.service}: the booking recorded as status appointment-booked`);
    }
    if (expectation.scenario === 'correct') {
      const { statuses, reasons } = expectation.run;
      t.ok(expectation.run.corrected, `${expectation.service}: returned once for correction`);
      t.equal(reasons['awaiting-correction'], 'تصویر سند خوانا نیست', `${expectation.service}: awaiting-correction with the clerk's note`);
      t.ok(statuses.lastIndexOf('under-review') > statuses.indexOf('awaiting-correction'), `${expectation.service}: under review again after the resubmission`);
    }
  }
});

t.test('a cancellation while payment is pending is reversed; an overdue request escalates to the manager and still completes', async (t) => {
  const { client } = await startTestEngine(t);
  for (const id of listFormIds()) await client.deployResource({ name: `${id}.form`, form: fs.readFileSync(path.join(formsDirectory, `${id}.form`)) });
  for (const diagram of listDiagrams().filter((file) => file.shared || file.id === 'building-permit')) {
    await client.deployResource({ name: path.basename(diagram.file), process: fs.readFileSync(diagram.file) });
  }
  const workers = startWorkers(client);
  t.teardown(() => Promise.all(workers.map((worker) => worker.close())));
  const cancelled = await start(client, 'building-permit', 'cancel');
  const overdue = await start(client, 'building-permit', 'overdue');
  await eventually('both runs to end', async () => cancelled.outcome && overdue.outcome, { timeoutMs: 60_000 }).catch(() => undefined);
  t.equal(cancelled.outcome, 'cancelled');
  t.ok(cancelled.reversed, 'payment.reverse ran');
  t.equal(overdue.outcome, 'completed', 'an overdue request still completes');
  t.ok(overdue.escalatedTo.length >= 1, 'each overdue staff task told the manager');
  t.ok(overdue.escalatedTo.every((group) => group === 'district-12:manager'), 'the district manager group');
});
