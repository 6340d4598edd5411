// The four services that end at the district office (taxi operating licence,
// taxi driver permit, social support referral, a meeting with the district
// mayor), each from filing to closed through the API, the real diagrams and
// the real workers: staff work their tasks, the citizen pays at the sandbox
// gateway, and the clerk finds the visit in the counter's day list and
// records that the citizen came. The four run side by side on one system.
import pino from 'pino';
import t from 'tap';
import type { Role } from '../../api/plugins/app/auth.ts';
import { freePort } from '../../platform/free-port.ts';
import type { Logger } from '../../platform/logger.ts';
import { startWorkers } from '../../workers/index.ts';
import { tehranDay } from '../../domain/appointments/slots.ts';
import { openAroundTheClock } from '../helpers/offices.ts';
import { signInCitizen, signInStaff, startTestApi } from './helpers.ts';
import { eventually } from '../helpers/eventually.ts';
import { deployServices } from '../helpers/services.ts';
import { nextErrandStep } from './errand-steps.ts';

t.setTimeout(240_000);

const citizen = { citizenName: 'زهرا کریمی', nationalCode: '0013542419', mobile: '09121234567' };
const home = { postalCode: '9184713456', address: 'مشهد، بلوار وکیل‌آباد، پلاک 21، واحد 3' };
const filings: Record<string, Record<string, unknown>> = {
  'taxi-operating-licence': { ...citizen, plateNumber: '12 ب 345 - 36', vehicleModel: 'سمند', manufactureYear: 1398, declaration: true },
  'taxi-driver-permit': { ...citizen, ...home, drivingLicenceNumber: '9512345678', licenceClass: 'class-2', declaration: true },
  'social-support-referral': { ...citizen, ...home, householdSize: 4, supportNeed: 'livelihood', declaration: true },
  'mayor-meeting': { ...citizen, subject: 'روشنایی بوستان محله', details: 'چراغ‌های بوستان محله دو ماه است خاموش است.', declaration: true },
};

t.test('appointment services from filing to closed, attendance recorded at the counter', async (t) => {
  const port = await freePort();
  const api = await startTestApi(t, {}, { PORT: String(port) });
  const { app, db, zeebe } = api;
  const logger = pino({ level: 'silent' }) as Logger;
  await app.listen({ host: app.config.HOST, port });
  await deployServices(zeebe, logger, Object.keys(filings));
  const workers = startWorkers({ zeebe, db, logger, publicUrl: app.config.publicUrl });
  t.teardown(() => workers.stop());
  await openAroundTheClock(db, 12);

  const roles: Role[] = ['clerk', 'inspector', 'manager', 'traffic-deputy', 'social-worker'];
  const staff = Object.fromEntries(await Promise.all(roles.map(async (role) => [role, await signInStaff(api, `${role}-12`, role, 12)] as const)));
  const zahra = await signInCitizen(api, citizen.nationalCode, citizen.mobile);

  const filed = await Promise.all(Object.entries(filings).map(async ([serviceId, form]) => {
    const response = await app.inject({ method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId, districtId: 12, form } });
    t.equal(response.statusCode, 201, `${serviceId} filed: ${response.body}`);
    return { serviceId, ...(response.json() as { id: string; trackingCode: string }) };
  }));

  /** One step of whatever the request waits for, done as the person it waits for would; false when nothing is to be done now. */
  const step = async (request: (typeof filed)[number]): Promise<boolean> => {
    const done = await nextErrandStep(api, staff, request.id);
    if (done) {
      if (done === 'payment') t.pass(`${request.serviceId}: paid at the bank, back through the callback`);
      return true;
    }
    // The office is open round the clock here, so the earliest slot may fall on the next Tehran day.
    const days = [0, 1].map((offset) => tehranDay(new Date(Date.now() + offset * 86_400_000)));
    const lists = await Promise.all(days.map(async (day) => (await app.inject({ url: `/api/appointments?day=${day}`, headers: staff.clerk! })).json()));
    const visit = (lists.flat() as Array<{ trackingCode: string; status: string; citizenName: string }>).find((row) => row.trackingCode === request.trackingCode && row.status === 'booked');
    if (visit) {
      t.equal(visit.citizenName, citizen.citizenName, 'the counter sees who is coming');
      const came = await app.inject({ method: 'POST', url: `/api/requests/${request.trackingCode}/appointment/attendance`, headers: staff.clerk!, payload: { attended: true } });
      t.equal(came.statusCode, 200, `${request.serviceId}: attendance: ${came.body}`);
      t.equal(came.json().status, 'attended');
      return true;
    }
    return false;
  };

  await Promise.all(filed.map(async (request) => {
    const closed = await eventually(`${request.serviceId} closed`, async () => {
      const row = await db('requests').where({ id: request.id }).first();
      if (row.closed_at) return row;
      await step(request);
      return undefined;
    }, { timeoutMs: 180_000 });
    t.equal(closed.outcome, 'completed', `${request.serviceId} completed`);
    const kinds = (await db('request_events').where({ request_id: request.id }).orderBy('id')).map((event) => event.kind as string);
    t.ok(kinds.includes('appointment-booked') && kinds.includes('appointment-attended'), `${request.serviceId}: booked and came, on the timeline`);
    const appointment = await db('appointments').where({ request_id: request.id }).first();
    t.match(appointment, { status: 'attended', attendance_recorded_by: 'staff:clerk-12' });
  }));

  const certificates = await db('certificates').whereIn('request_id', filed.map((request) => request.id)).pluck('service_id');
  t.same(certificates.sort(), ['taxi-driver-permit', 'taxi-operating-licence'], 'the two permits are issued');
});
