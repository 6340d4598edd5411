// POST requests.json: a GeoReport client (a civic-tech app with an api_key)
// files a request on a citizen's behalf. The attributes are the service's
// start form; the citizen is who the form's national code and mobile name, as
// when a 137 agent files by phone, and must be a pair we accept (the same rule
// as sign-in: a national code keeps its registered mobile). The request goes
// through the same submit and start as POST /api/requests, channel 'portal'.
import type { FastifyInstance } from 'fastify';
import type { FormComponent } from '../../../processes/forms/index.ts';
import { parseMobile, parseNationalCode } from '../../../platform/identity.ts';
import { persianDigits } from '../../../platform/persian.ts';
import { fieldErrors } from '../../plugins/app/problems.ts';
import type { Open311Client } from '../../plugins/app/open311-clients.ts';
import type { CitizenIdentity } from '../../plugins/app/requests.ts';
import { inputFields, typedValue } from './attributes.ts';
import { foldBody } from './form-body.ts';
import { describeField, Errors, fieldName, GeoReportError } from './georeport.ts';

/** The pilot: where a request without jurisdiction_id goes. */
export const defaultDistrictId = 12;

export interface GeoReportSubmission {
  api_key?: string; jurisdiction_id?: string; service_code?: string;
  lat?: string; long?: string; address_string?: string; address_id?: string;
  email?: string; device_id?: string; account_id?: string; first_name?: string; last_name?: string; phone?: string;
  description?: string; media_url?: string;
  attribute?: Record<string, unknown>;
}

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;

export const Submission = {
  type: 'object',
  description: 'application/x-www-form-urlencoded (as GeoReport clients send it) or JSON. attribute[code]=value for each attribute of the service definition; multivaluelist as attribute[code][]=value.',
  properties: {
    api_key: { ...text(200), description: 'The client\'s key (required; 403 without it)' },
    jurisdiction_id: { ...text(20), description: `District number; ${defaultDistrictId} (the pilot) when absent` },
    service_code: { ...text(100), description: 'A service_code from services.json (required)' },
    lat: { ...text(30), description: 'WGS84 latitude; with long' },
    long: { ...text(30), description: 'WGS84 longitude; with lat' },
    address_string: { ...text(2000), description: 'Fills attribute[address] when the service has one and it is not sent' },
    address_id: text(100),
    email: text(200),
    device_id: text(200),
    account_id: text(200),
    first_name: { ...text(100), description: 'With last_name, fills attribute[citizenName] when not sent' },
    last_name: text(100),
    phone: { ...text(30), description: 'Fills attribute[mobile] when not sent: the citizen\'s mobile, 09xxxxxxxxx' },
    description: { ...text(2000), description: 'Fills attribute[description] (or attribute[details]) when not sent' },
    media_url: { ...text(2000), description: 'Link to a photo; kept with the request, not fetched' },
    attribute: { type: 'object', additionalProperties: true, description: 'The start form\'s fields by code (nationalCode and mobile are required by every service)' },
  },
} as const;

const Created = {
  type: 'array',
  items: {
    type: 'object', required: ['service_request_id', 'service_notice', 'account_id'],
    properties: {
      service_request_id: { type: 'string', description: 'The tracking code; GET requests/{id}.json follows it' },
      service_notice: { type: 'string', description: 'What happens next, in Persian and English' },
      account_id: { type: 'string', description: 'The citizen\'s account id with us' },
    },
  },
} as const;

/** GeoReport fields a client may send instead of an attribute of the form. */
const aliases: Record<string, string> = {
  citizenName: 'first_name, last_name', mobile: 'phone', address: 'address_string or lat/long', description: 'description', details: 'description',
};

function coordinate(value: string | undefined, name: 'lat' | 'long', limit: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = /^-?\d{1,3}(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(Math.abs(number) <= limit)) {
    throw new GeoReportError(400, `${name}: must be a decimal degree between -${limit} and ${limit} — ${name === 'lat' ? 'عرض' : 'طول'} جغرافیایی درست نیست.`);
  }
  return number;
}

/** The start form: the attributes sent, typed; GeoReport's own fields fill the form fields they stand for. */
function formOf(fields: FormComponent[], body: GeoReportSubmission, where: { lat?: number; long?: number }): Record<string, unknown> {
  const keys = new Set(fields.map((field) => field.key!));
  const name = [body.first_name, body.last_name].filter((part) => part?.trim()).join(' ');
  const point = where.lat !== undefined && where.long !== undefined ? `نقطه روی نقشه: ${where.lat}, ${where.long}` : undefined;
  const standard: Record<string, string | undefined> = {
    citizenName: name || undefined,
    mobile: body.phone,
    address: body.address_string?.trim() || point,
    description: body.description,
    details: keys.has('description') ? undefined : body.description,
  };
  const form: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(standard)) if (keys.has(key) && value) form[key] = value;
  const byKey = new Map(fields.map((field) => [field.key!, field]));
  for (const [code, value] of Object.entries(body.attribute ?? {})) {
    const field = byKey.get(code);
    // An unknown code is kept, so validation refuses it by name.
    form[code] = field ? typedValue(field, value) : value;
  }
  return form;
}

export default async function postRequestRoute(app: FastifyInstance) {
  /** The citizen the form names: recorded on first sight; a known national code keeps its mobile. */
  async function citizenOf(form: Record<string, unknown>): Promise<CitizenIdentity> {
    const nationalCode = parseNationalCode(String(form.nationalCode))!;
    const mobile = parseMobile(String(form.mobile))!;
    const name = typeof form.citizenName === 'string' ? form.citizenName : null;
    await app.db('citizens').insert({ national_code: nationalCode, mobile, name }).onConflict('national_code').ignore();
    const row = await app.db('citizens').where({ national_code: nationalCode }).first();
    if (row.mobile !== mobile) {
      throw new GeoReportError(400, 'attribute[mobile] (or phone): this national code is registered with another mobile number — '
        + 'این کد ملی با شماره همراه دیگری ثبت شده است؛ با همان شماره درخواست دهید یا با سامانه ۱۳۷ تماس بگیرید.');
    }
    return { id: row.id, nationalCode, mobile, name: row.name ?? name };
  }

  async function districtOf(jurisdiction: string | undefined): Promise<number> {
    if (jurisdiction === undefined || jurisdiction.trim() === '') return defaultDistrictId;
    const id = /^\d{1,2}$/.test(jurisdiction.trim()) ? Number(jurisdiction) : NaN;
    const district = Number.isInteger(id) ? await app.db('districts').where({ id }).first('id') : undefined;
    if (!district) throw new GeoReportError(404, `jurisdiction_id: no district ${jurisdiction} — منطقه‌ای با این شماره وجود ندارد.`);
    return id;
  }

  app.post<{ Body: GeoReportSubmission; Headers: { 'idempotency-key'?: string } }>('/requests.json', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2: file a request (api_key required)',
      description: 'Answers 201 with [{service_request_id, service_notice, account_id}]. Errors are GeoReport\'s list of {code, description}: '
        + '403 without a valid api_key, 404 for an unknown service_code or jurisdiction_id or a service the district does not offer, 400 naming each field that is wrong. '
        + 'An optional Idempotency-Key header makes a retried POST return the first request.',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
      body: Submission,
      response: { 201: Created, 400: Errors, 403: Errors, 404: Errors },
    },
  }, async (request, reply) => {
    const body = foldBody(request.body) as GeoReportSubmission;
    const client: Open311Client | undefined = await app.open311Clients.verify(body.api_key ?? '');
    if (!client) throw new GeoReportError(403, 'api_key: missing or not valid — کلید api_key فرستاده نشده یا معتبر نیست.');
    if (!body.service_code) throw new GeoReportError(400, 'service_code: required — کد خدمت (service_code) را بفرستید.');
    const entry = app.catalogue.find(body.service_code);
    if (!entry) throw new GeoReportError(404, `service_code: no service ${body.service_code} — چنین خدمتی وجود ندارد.`);
    const { service } = entry;
    const districtId = await districtOf(body.jurisdiction_id);
    const offered = service.channels.includes('portal')
      && await app.db('district_services').where({ district_id: districtId, service_id: service.id, enabled: true }).first();
    if (!offered) {
      throw new GeoReportError(404, `service_code: ${service.id} is not offered in district ${districtId} — `
        + `خدمت «${service.name.fa}» هنوز در منطقه ${persianDigits(districtId)} به صورت الکترونیکی ارائه نمی‌شود.`);
    }
    const lat = coordinate(body.lat, 'lat', 90);
    const long = coordinate(body.long, 'long', 180);
    if ((lat === undefined) !== (long === undefined)) {
      throw new GeoReportError(400, 'lat, long: send both or neither — عرض و طول جغرافیایی را با هم بفرستید.');
    }

    const form = formOf(inputFields(entry.form.components), body, { lat, long });
    if (!entry.validate(form)) {
      // `if` errors only repeat the `then` error beneath them.
      const errors = fieldErrors((entry.validate.errors ?? []).filter((error) => error.keyword !== 'if') as never, '/body/form');
      throw new GeoReportError(400, ...errors.map((error) => describeField(error, fieldName(error.path, (key) => aliases[key]))));
    }
    const citizen = await citizenOf(form);
    const idempotencyKey = request.headers['idempotency-key'];
    const { request: row, replayed } = await app.requests.submit({
      citizen, serviceId: service.id, districtId, channel: 'portal', form,
      // Scoped to the client: two apps choosing the same key never meet.
      idempotencyKey: idempotencyKey ? `open311:${client.id}:${idempotencyKey}` : undefined,
    });
    if (!replayed) {
      await app.db('open311_requests').insert({
        request_id: row.id, client_id: client.id, lat: lat ?? null, long: long ?? null, address_string: body.address_string ?? null,
        media_url: body.media_url ?? null, device_id: body.device_id ?? null, account_id: body.account_id ?? null, email: body.email ?? null,
      }).onConflict('request_id').ignore();
    }
    // As POST /api/requests: answer on commit and start at once in the background; the start sweeper covers a crash.
    if (!row.process_instance_key) app.startQueue.enqueue(row.id);
    return reply.code(201).send([{
      service_request_id: row.tracking_code,
      service_notice: `درخواست «${service.name.fa}» با کد رهگیری ${persianDigits(row.tracking_code)} ثبت شد و ظرف ${persianDigits(service.slaWorkingDays)} روز کاری رسیدگی می‌شود؛ `
        + `پیگیری با همین کد در درگاه شهرداری یا سامانه ۱۳۷. Filed with tracking code ${row.tracking_code}; handled within ${service.slaWorkingDays} working days.`,
      account_id: citizen.id,
    }]);
  });
}
