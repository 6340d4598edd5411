// A stand-in diagram for a service (its process id = the service id): it
// hands its start variables to a test worker, then waits for the citizen's
// correction or cancellation, as the real diagrams do.
import type { ZBClient } from 'zeebe-node';

export function standInDiagram(serviceId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${serviceId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${serviceId}" isExecutable="true">
    <bpmn:startEvent id="Start_Received" />
    <bpmn:serviceTask id="Task_Started"><bpmn:extensionElements><zeebe:taskDefinition type="test.started" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:eventBasedGateway id="Gateway_Wait" />
    <bpmn:intermediateCatchEvent id="Event_Resubmitted"><bpmn:messageEventDefinition messageRef="Message_Resubmitted" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Event_Cancelled"><bpmn:messageEventDefinition messageRef="Message_Cancelled" /></bpmn:intermediateCatchEvent>
    <bpmn:serviceTask id="Task_Resubmitted"><bpmn:extensionElements><zeebe:taskDefinition type="test.resubmitted" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:serviceTask id="Task_Cancelled"><bpmn:extensionElements><zeebe:taskDefinition type="test.cancelled" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="End_Resubmitted" />
    <bpmn:endEvent id="End_Cancelled" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Received" targetRef="Task_Started" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Started" targetRef="Gateway_Wait" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_Wait" targetRef="Event_Resubmitted" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Gateway_Wait" targetRef="Event_Cancelled" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Event_Resubmitted" targetRef="Task_Resubmitted" />
    <bpmn:sequenceFlow id="Flow_6" sourceRef="Event_Cancelled" targetRef="Task_Cancelled" />
    <bpmn:sequenceFlow id="Flow_7" sourceRef="Task_Resubmitted" targetRef="End_Resubmitted" />
    <bpmn:sequenceFlow id="Flow_8" sourceRef="Task_Cancelled" targetRef="End_Cancelled" />
  </bpmn:process>
  <bpmn:message id="Message_Resubmitted" name="request-resubmitted"><bpmn:extensionElements><zeebe:subscription correlationKey="=requestId" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Message_Cancelled" name="request-cancelled"><bpmn:extensionElements><zeebe:subscription correlationKey="=requestId" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`;
}

export async function deployStandIn(zeebe: ZBClient, serviceId: string): Promise<void> {
  await zeebe.deployResource({ name: `${serviceId}.bpmn`, process: Buffer.from(standInDiagram(serviceId)) });
}

export interface SeenJob { type: string; processInstanceKey: string; variables: Record<string, unknown> }

/** Workers for the stand-in's job types, recording what they were given. */
export function recordJobs(t: { teardown(fn: () => unknown): void }, zeebe: ZBClient): SeenJob[] {
  const seen: SeenJob[] = [];
  for (const taskType of ['test.started', 'test.resubmitted', 'test.cancelled']) {
    const worker = zeebe.createWorker({
      taskType,
      timeout: 10_000,
      taskHandler: (job) => {
        seen.push({ type: taskType, processInstanceKey: String(job.processInstanceKey), variables: job.variables as Record<string, unknown> });
        return job.complete();
      },
    });
    t.teardown(() => worker.close(1_000).catch(() => undefined));
  }
  return seen;
}

export const treePruningForm = {
  citizenName: 'زهرا کریمی',
  nationalCode: '0013542419',
  mobile: '09121234567',
  address: 'مشهد، بلوار پیروزی، کوچه ۱۲',
  treeCount: 3,
  urgency: 'normal',
  declaration: true,
};

/** One file as a multipart/form-data upload (field `file`), as app.inject takes it. */
export function multipart(filename: string, type: string, content: Buffer) {
  const boundary = 'shahrdari-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload };
}
