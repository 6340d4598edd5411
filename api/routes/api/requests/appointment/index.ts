// A request's office appointment: the appointment worker books the earliest
// free slot; here the citizen sees it, and district staff record whether the
// citizen came (the process hears appointment-attended or -missed).
import type { FastifyInstance } from 'fastify';
import { recordAttendance } from '../../../../../workers/appointment/handlers.ts';
import { ApiProblem } from '../../../../plugins/app/problems.ts';
import { TrackingParams } from '../../../../schemas/requests.ts';
import { problems } from '../../../../schemas/problem.ts';

const AppointmentView = {
  type: 'object',
  required: ['id', 'startsAt', 'endsAt', 'status'],
  properties: {
    id: { type: 'string' }, startsAt: { type: 'string', format: 'date-time' }, endsAt: { type: 'string', format: 'date-time' },
    status: { type: 'string' }, officeName: { type: ['string', 'null'] }, counter: { type: ['integer', 'null'] },
  },
} as const;

export default async function appointmentRoutes(app: FastifyInstance) {
  const current = async (requestId: string) => {
    const row = await app.db('appointments').where({ request_id: requestId }).orderBy('created_at', 'desc').first();
    if (!row) throw new ApiProblem(404, 'no-appointment', 'This request has no appointment.', 'برای این درخواست نوبتی گرفته نشده است.');
    const office = row.office_id ? await app.db('offices').where({ id: row.office_id }).first('name_fa') : undefined;
    return { id: row.id, startsAt: row.starts_at, endsAt: row.ends_at, status: row.status, officeName: office?.name_fa ?? null, counter: row.counter_number ?? null };
  };

  app.get<{ Params: { trackingCode: string } }>('/', {
    preHandler: app.allow('citizen', 'staff'),
    schema: {
      tags: ['appointments'], summary: 'The request\'s appointment at the district office', security: [{ bearer: [] }],
      params: TrackingParams, response: { 200: AppointmentView, ...problems(401, 404) },
    },
  }, async (request) => current((await app.requestFor(request, request.params.trackingCode)).id));

  app.post<{ Params: { trackingCode: string }; Body: { attended: boolean } }>('/attendance', {
    preHandler: app.allow('clerk', 'manager'),
    schema: {
      tags: ['appointments'], summary: 'Record whether the citizen came (district staff)', security: [{ bearer: [] }],
      params: TrackingParams,
      body: { type: 'object', required: ['attended'], additionalProperties: false, properties: { attended: { type: 'boolean' } } },
      response: { 200: AppointmentView, ...problems(401, 403, 404, 409) },
    },
  }, async (request) => {
    const row = await app.requestFor(request, request.params.trackingCode);
    const appointment = await current(row.id);
    if (!await recordAttendance({ db: app.db, zeebe: app.zeebe }, appointment.id, request.body.attended)) {
      throw new ApiProblem(409, 'appointment-settled', `The appointment is ${appointment.status}.`, 'وضعیت این نوبت پیش‌تر ثبت شده است.');
    }
    return current(row.id);
  });
}
