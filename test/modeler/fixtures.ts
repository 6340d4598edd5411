// A small service diagram with diagram interchange, clean under the lint
// rules: start → review task → decision gateway → large / small ends.

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ReviewDiagramOptions {
  taskName?: string;
  condition?: string;
  name?: string;
  /** Makes the review a user task for district 12's clerks with this linked form. */
  formId?: string;
}

export function reviewDiagram(processId: string, options: ReviewDiagramOptions = {}): string {
  const { taskName = 'Review the request', condition = '=amount > 1000', name = 'درخواست آزمایشی', formId } = options;
  const task = formId ? 'userTask' : 'task';
  const taskExtensions = formId
    ? `<bpmn:extensionElements><zeebe:formDefinition formId="${formId}" /><zeebe:assignmentDefinition candidateGroups="district-12:clerk" /></bpmn:extensionElements>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${processId}" name="${escape(name)}" isExecutable="true">
    <bpmn:startEvent id="Start_Requested" name="Requested">
      <bpmn:outgoing>Flow_ToReview</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:${task} id="Task_Review" name="${escape(taskName)}">${taskExtensions}
      <bpmn:incoming>Flow_ToReview</bpmn:incoming>
      <bpmn:outgoing>Flow_ToDecision</bpmn:outgoing>
    </bpmn:${task}>
    <bpmn:exclusiveGateway id="Gateway_Amount" name="Amount?" default="Flow_Small">
      <bpmn:incoming>Flow_ToDecision</bpmn:incoming>
      <bpmn:outgoing>Flow_Large</bpmn:outgoing>
      <bpmn:outgoing>Flow_Small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="End_Large" name="Large">
      <bpmn:incoming>Flow_Large</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:endEvent id="End_Small" name="Small">
      <bpmn:incoming>Flow_Small</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ToReview" sourceRef="Start_Requested" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_ToDecision" sourceRef="Task_Review" targetRef="Gateway_Amount" />
    <bpmn:sequenceFlow id="Flow_Large" name="large" sourceRef="Gateway_Amount" targetRef="End_Large">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Small" name="small" sourceRef="Gateway_Amount" targetRef="End_Small" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${processId}">
    <bpmndi:BPMNPlane id="Plane_${processId}" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="Start_Requested_di" bpmnElement="Start_Requested"><dc:Bounds x="152" y="182" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Review_di" bpmnElement="Task_Review"><dc:Bounds x="240" y="160" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Gateway_Amount_di" bpmnElement="Gateway_Amount" isMarkerVisible="true"><dc:Bounds x="395" y="175" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Large_di" bpmnElement="End_Large"><dc:Bounds x="502" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Small_di" bpmnElement="End_Small"><dc:Bounds x="502" y="262" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_ToReview_di" bpmnElement="Flow_ToReview"><di:waypoint x="188" y="200" /><di:waypoint x="240" y="200" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_ToDecision_di" bpmnElement="Flow_ToDecision"><di:waypoint x="340" y="200" /><di:waypoint x="395" y="200" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_Large_di" bpmnElement="Flow_Large"><di:waypoint x="420" y="175" /><di:waypoint x="420" y="120" /><di:waypoint x="502" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_Small_di" bpmnElement="Flow_Small"><di:waypoint x="420" y="225" /><di:waypoint x="420" y="280" /><di:waypoint x="502" y="280" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

/** A form-js schema with one field. */
export function reviewForm(formId: string, label = 'Findings'): string {
  return JSON.stringify({
    id: formId,
    type: 'default',
    schemaVersion: 16,
    components: [{ id: 'Field_Findings', key: 'findings', label, type: 'textfield' }],
  }, null, 2);
}
