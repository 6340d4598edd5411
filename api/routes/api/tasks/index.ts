// Staff task lists: my groups' open tasks, claim, hand back, complete with the
// task's form; each task comes with its request's data, documents and timeline.
import type { FastifyInstance } from 'fastify';
import { claimsOf, staffRoles, type StaffClaims } from '../../../plugins/app/auth.ts';
import { documentView } from '../../../../domain/documents/documents.ts';
import { findingsOf } from '../../../../domain/inspections/visits.ts';
import { findRequest } from '../../../../domain/requests/rows.ts';
import { slaStates, type ListedTask, type TaskRow } from '../../../../domain/user-tasks/task-list.ts';
import { problems } from '../../../schemas/problem.ts';
import { DocumentView } from '../../../schemas/requests.ts';
import { typed } from '../../../schemas/type-provider.ts';

const Task = {
  type: 'object',
  required: ['jobKey', 'name', 'elementId', 'candidateGroups', 'status', 'createdAt'],
  properties: {
    jobKey: { type: 'string' },
    name: { type: 'string', description: 'The step\'s Persian name in the diagram version the case runs (the element id if that diagram gives none)' },
    elementId: { type: 'string', description: 'BPMN element id of the user task' },
    formId: { type: ['string', 'null'], description: 'Form the task is completed with' },
    requestId: { type: ['string', 'null'] }, trackingCode: { type: ['string', 'null'] }, serviceId: { type: ['string', 'null'] },
    candidateGroups: { type: 'array', items: { type: 'string' } }, assignee: { type: ['string', 'null'] },
    dueAt: { type: ['string', 'null'], format: 'date-time' }, followUpAt: { type: ['string', 'null'], format: 'date-time' },
    status: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const ListedTask = {
  ...Task,
  required: [...Task.required, 'sla'],
  properties: {
    ...Task.properties,
    sla: {
      type: 'string', enum: slaStates,
      description: 'SLA colour by the server\'s clock: breached past the due date; near from the follow-up date (else a day before the due date); ok; none without a due date',
    },
  },
} as const;

const TaskDetail = {
  type: 'object',
  required: [...ListedTask.required, 'variables', 'forms'],
  properties: {
    ...ListedTask.properties,
    variables: { type: 'object', additionalProperties: true },
    forms: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The form-js form(s) to complete the task with' },
    request: {
      type: ['object', 'null'], additionalProperties: true,
      description: 'The request: data, documents, timeline, and the field inspections\' findings',
      required: ['id', 'trackingCode', 'serviceId', 'districtId', 'channel', 'status', 'form', 'createdAt', 'documents', 'timeline', 'inspections'],
      properties: {
        id: { type: 'string' }, trackingCode: { type: 'string' }, serviceId: { type: 'string' }, districtId: { type: 'integer' },
        channel: { type: 'string' }, status: { type: 'string' }, form: { type: 'object', additionalProperties: true },
        createdAt: { type: 'string', format: 'date-time' },
        documents: { type: 'array', items: DocumentView },
        timeline: {
          type: 'array',
          items: {
            type: 'object', required: ['kind', 'element_id', 'data', 'at'],
            properties: {
              kind: { type: 'string' }, element_id: { type: ['string', 'null'] },
              data: { type: 'object', additionalProperties: true }, at: { type: 'string', format: 'date-time' },
            },
          },
        },
        inspections: {
          type: 'array',
          items: {
            type: 'object', required: ['result', 'visitedOn', 'notes', 'recordedAt', 'inspectorName'],
            properties: {
              result: { type: 'string', enum: ['pass', 'fail'] }, visitedOn: { type: ['string', 'null'], description: 'YYYY-MM-DD' },
              notes: { type: ['string', 'null'] }, recordedAt: { type: 'string', format: 'date-time' }, inspectorName: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
  },
} as const;

const JobParams = { type: 'object', required: ['jobKey'], properties: { jobKey: { type: 'string', pattern: '^[0-9]{1,20}$' } } } as const;
const ListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mine: { type: 'boolean', description: 'Only tasks I have claimed' },
    unassigned: { type: 'boolean', description: 'Only tasks nobody has claimed' },
    requestId: { type: 'string', format: 'uuid' },
    serviceId: { type: 'string', pattern: '^[a-z0-9-]{1,80}$' },
    sla: { type: 'array', items: { type: 'string', enum: slaStates }, maxItems: 4, description: 'Only tasks in these SLA states (repeat the parameter)' },
    sort: { type: 'string', enum: ['due', 'created'], default: 'due', description: 'due: soonest due first, no due date last; created: oldest first' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 200 },
    offset: { type: 'integer', minimum: 0, maximum: 100000, default: 0 },
  },
} as const;
const Completion = {
  type: 'object', required: ['variables'], additionalProperties: false,
  properties: { variables: { type: 'object', additionalProperties: true } },
} as const;

const view = (task: TaskRow) => ({
  jobKey: task.job_key, name: task.name, elementId: task.element_id, formId: task.form_id, requestId: task.request_id,
  trackingCode: typeof task.variables.trackingCode === 'string' ? task.variables.trackingCode : null,
  serviceId: typeof task.variables.serviceId === 'string' ? task.variables.serviceId : null,
  candidateGroups: task.candidate_groups, assignee: task.assignee, dueAt: task.due_at, followUpAt: task.follow_up_at,
  status: task.status, createdAt: task.created_at,
});

const listedView = (task: ListedTask) => ({ ...view(task), sla: task.sla });

export default async function taskRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  const onlyStaff = app.allow(...staffRoles);
  const staffOf = (request: Parameters<typeof claimsOf>[0]) => claimsOf(request) as StaffClaims;

  app.get('/', {
    config: { normalise: ['query'] },
    onRequest: onlyStaff,
    schema: {
      tags: ['tasks'], summary: 'Open tasks of my groups (district-<id>:<role>) and those I claimed, soonest due first', security: [{ bearer: [] }],
      description: 'The X-Total-Count header gives how many open tasks match, beyond this page too.',
      querystring: ListQuery,
      response: {
        200: { type: 'array', items: ListedTask, headers: { 'x-total-count': { type: 'integer' } } },
        ...problems(400, 401, 403),
      },
    },
  }, async (request, reply) => {
    const { json, total } = await app.tasks.list(staffOf(request), request.query);
    // Built as JSON of the ListedTask schema by PostgreSQL (domain/user-tasks/task-list.ts); a string is sent as it is.
    return reply.header('x-total-count', total).type('application/json; charset=utf-8').send(json as never);
  });

  app.get('/:jobKey', {
    config: { normalise: ['params'] },
    onRequest: onlyStaff,
    schema: {
      tags: ['tasks'], summary: 'A task with its form and its request\'s data, documents and timeline', security: [{ bearer: [] }],
      params: JobParams, response: { 200: TaskDetail, ...problems(401, 403, 404) },
    },
  }, async (request) => {
    const task = await app.tasks.visible(request.params.jobKey, staffOf(request));
    const forms = (await app.tasks.formsOf(task)).map((form) => form.form);
    const row = task.request_id ? await findRequest(app.db, task.request_id) : undefined;
    const context = row ? {
      id: row.id, trackingCode: row.tracking_code, serviceId: row.service_id, districtId: row.district_id, channel: row.channel,
      status: row.status, form: row.form, createdAt: row.created_at,
      documents: (await app.documents.list(row.id)).map(documentView),
      timeline: await app.requests.timeline(row.id),
      // What the field inspection found, for whoever decides next (the approver decides on it).
      inspections: await findingsOf(app.db, row.id),
    } : null;
    return { ...listedView(task), variables: task.variables, forms, request: context };
  });

  for (const action of ['claim', 'unclaim'] as const) {
    app.post(`/:jobKey/${action}`, {
      config: { normalise: ['params'] },
      onRequest: onlyStaff,
      schema: {
        tags: ['tasks'], summary: action === 'claim' ? 'Take the task' : 'Hand the task back to the group', security: [{ bearer: [] }],
        params: JobParams, response: { 200: Task, ...problems(401, 403, 404, 409) },
      },
    }, async (request) => view(await app.tasks[action](request.params.jobKey, staffOf(request))));
  }

  app.post('/:jobKey/complete', {
    config: { normalise: ['params', 'body.variables'] },
    onRequest: onlyStaff,
    schema: {
      tags: ['tasks'], summary: 'Complete a claimed task with its form\'s data', security: [{ bearer: [] }],
      params: JobParams, body: Completion, response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } }, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    await app.tasks.complete(request.params.jobKey, staffOf(request), request.body.variables);
    return { status: 'completed' };
  });
}
