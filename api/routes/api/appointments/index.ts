// The counter's day: a district's appointments of one Tehran day, in time
// order, with who is coming for what and whether they came. Clerks and
// managers see their own district's; staff without a district name one.
// Attendance is recorded per request (POST /api/requests/:trackingCode/appointment/attendance).
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { counterDay } from '../../../../domain/appointments/listings.ts';
import { clock } from '../../../../platform/clock.ts';
import { IRAN_TIME_ZONE, normaliseInput } from '../../../../platform/persian.ts';
import { findService } from '../../../../processes/catalogue/index.ts';
import { claimsOf, type StaffClaims } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { problems } from '../../../schemas/problem.ts';
import { typed } from '../../../schemas/type-provider.ts';

const CounterAppointment = {
  type: 'object',
  required: [
    'id', 'trackingCode', 'serviceId', 'serviceName', 'citizenName', 'citizenNationalCode', 'citizenMobile', 'startsAt', 'endsAt',
    'counter', 'officeName', 'status', 'requestStatus', 'attendanceRecordedAt', 'attendanceRecordedBy',
  ],
  properties: {
    id: { type: 'string' }, trackingCode: { type: 'string' }, serviceId: { type: 'string' }, serviceName: { type: 'string' },
    citizenName: { type: ['string', 'null'] }, citizenNationalCode: { type: 'string' }, citizenMobile: { type: 'string' },
    startsAt: { type: 'string', format: 'date-time' }, endsAt: { type: 'string', format: 'date-time' },
    counter: { type: ['integer', 'null'] }, officeName: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['booked', 'attended', 'missed'], description: 'Cancelled bookings are left out' },
    requestStatus: { type: 'string' },
    attendanceRecordedAt: { type: ['string', 'null'], format: 'date-time' }, attendanceRecordedBy: { type: ['string', 'null'] },
  },
} as const;

const DayQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    day: { type: 'string', maxLength: 20, description: 'A Tehran calendar day as YYYY-MM-DD (Persian digits accepted); today when left out' },
    districtId: { type: 'integer', minimum: 1, maximum: 1000, description: 'For staff without a district; others see their own' },
  },
} as const;

export default async function appointmentDayRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    onRequest: app.allow('clerk', 'manager'),
    schema: {
      tags: ['appointments'], summary: 'The district office\'s appointments of a day, for the counter (clerks and managers)', security: [{ bearer: [] }],
      querystring: DayQuery, response: { 200: { type: 'array', items: CounterAppointment }, ...problems(400, 401, 403) },
    },
  }, async (request) => {
    const staff = claimsOf(request) as StaffClaims;
    const districtId = staff.districtId ?? request.query.districtId;
    if (districtId === undefined) {
      throw new ApiProblem(400, 'invalid-input', 'districtId is required for staff without a district.', 'منطقه را انتخاب کنید.',
        [{ path: '/query/districtId', message: 'required', messageFa: 'منطقه را انتخاب کنید.' }]);
    }
    const text = normaliseInput(request.query.day ?? DateTime.fromJSDate(clock.now()).setZone(IRAN_TIME_ZONE).toISODate()!);
    const day = DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: IRAN_TIME_ZONE });
    if (!day.isValid) {
      throw new ApiProblem(400, 'invalid-input', 'day must be a date as YYYY-MM-DD.', 'روز را به شکل سال-ماه-روز بنویسید.',
        [{ path: '/query/day', message: 'day must be a date as YYYY-MM-DD.', messageFa: 'روز را به شکل سال-ماه-روز بنویسید.' }]);
    }
    const rows = await counterDay(app.db, districtId, day.startOf('day').toJSDate(), day.plus({ days: 1 }).startOf('day').toJSDate());
    return rows.map((row) => ({
      id: row.id, trackingCode: row.tracking_code, serviceId: row.service_id, serviceName: findService(row.service_id)?.name.fa ?? row.service_id,
      citizenName: row.name, citizenNationalCode: row.national_code, citizenMobile: row.mobile,
      startsAt: row.starts_at, endsAt: row.ends_at, counter: row.counter_number, officeName: row.office_name,
      status: row.status, requestStatus: row.request_status,
      attendanceRecordedAt: row.attendance_recorded_at, attendanceRecordedBy: row.attendance_recorded_by,
    }));
  });
}
