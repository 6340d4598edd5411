// POST requests: a GeoReport client (a civic-tech app with an api_key)
// files a request on a citizen's behalf. The attributes are the service's
// start form; the citizen is who the form's national code and mobile name, as
// when a 137 agent files by phone, and must be a pair we accept (the same rule
// as sign-in: a national code keeps its registered mobile). The request goes
// through the same submit and start as POST /api/requests, channel 'portal',
// and the answer carries its tracking code at once (type realtime).
//
// media_url is kept and published as sent, never fetched: fetching any URL a
// client names would let it make this server reach hosts inside our network
// (and download whatever it likes); staff open the link themselves.
import type { FastifyInstance } from 'fastify';
import type { FormComponent } from '../../../processes/forms/index.ts';
import { parseMobile, parseNationalCode } from '../../../platform/identity.ts';
import { persianDigits } from '../../../platform/persian.ts';
import { slaDueDate } from '../../../platform/working-calendar.ts';
import { fieldErrors } from '../../plugins/app/problems.ts';
import type { Open311Client } from '../../plugins/app/open311-clients.ts';
import { recordCitizen } from '../../../domain/requests/citizens.ts';
import type { CitizenIdentity } from '../../../domain/requests/filing.ts';
import { inputFields, standIns, typedValue } from './attributes.ts';
import { answer, formatParam } from './format.ts';
import { foldBody } from './form-body.ts';
import { describeField, Errors, fieldName, GeoReportError } from './georeport.ts';
import { serviceNotice } from './request-view.ts';
import { Created, ordered } from './schemas.ts';
import { typed } from '../../schemas/type-provider.ts';

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
    api_key: { ...text(200), description: 'The client\'s key (required; 403 without it); also accepted in the query string' },
    jurisdiction_id: { ...text(100), description: 'A configured jurisdiction (OPEN311_JURISDICTIONS) or a district number; the first configured one when absent' },
    service_code: { ...text(100), description: 'A service_code from services.json (required)' },
    lat: { ...text(30), description: 'WGS84 latitude; with long' },
    long: { ...text(30), description: 'WGS84 longitude; with lat' },
    address_string: { ...text(2000), description: 'Fills attribute[address] when the service has one and it is not sent' },
    address_id: { ...text(100), description: 'An id in your address register; counts as the location (and fills attribute[address] when nothing else does)' },
    email: text(200),
    device_id: text(200),
    account_id: text(200),
    first_name: { ...text(100), description: 'With last_name, fills attribute[citizenName] when not sent' },
    last_name: text(100),
    phone: { ...text(30), description: 'Fills attribute[mobile] when not sent: the citizen\'s mobile, 09xxxxxxxxx' },
    description: { ...text(4000), description: 'Fills attribute[description] (or attribute[details]) when not sent' },
    media_url: { ...text(2000), description: 'An http(s) link to a photo; kept and published with the request, never fetched by us' },
    attribute: {
      type: 'object',
      maxProperties: 100,
      additionalProperties: {
        anyOf: [
          { type: 'string', maxLength: 4000 }, { type: 'number' }, { type: 'boolean' },
          { type: 'array', maxItems: 50, items: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'number' }, { type: 'boolean' }] } },
        ],
      },
      description: 'The start form\'s fields by code (nationalCode and mobile are required by every service)',
    },
  },
} as const;

/** An absolute http(s) URL without credentials, in its canonical (percent-encoded) spelling. */
function mediaUrl(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.href.length > 2000) {
    throw new GeoReportError(400, 'media_url: must be an http or https link (without a user name or password) — پیوند تصویر باید نشانی http یا https باشد.');
  }
  return url.href;
}

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
    address: body.address_string?.trim() || point || (body.address_id?.trim() ? `شناسه نشانی: ${body.address_id.trim()}` : undefined),
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

export default async function postRequestRoute(fastify: FastifyInstance) {
  const app = typed(fastify);
  /** The citizen the form names: recorded on first sight; a known national code keeps its mobile. */
  async function citizenOf(form: Record<string, unknown>): Promise<CitizenIdentity> {
    const nationalCode = parseNationalCode(String(form.nationalCode))!;
    const mobile = parseMobile(String(form.mobile))!;
    const name = typeof form.citizenName === 'string' ? form.citizenName : null;
    const row = await recordCitizen(app.db, { nationalCode, mobile, name });
    if (row.mobile !== mobile) {
      throw new GeoReportError(400, 'attribute[mobile] (or phone): this national code is registered with another mobile number — '
        + 'این کد ملی با شماره همراه دیگری ثبت شده است؛ با همان شماره درخواست دهید یا با سامانه ۱۳۷ تماس بگیرید.');
    }
    return { id: row.id, nationalCode, mobile, name: row.name ?? name };
  }

  app.post('/requests.:format', {
    schema: {
      tags: ['open311'],
      summary: 'GeoReport v2: file a request (api_key required)',
      description: 'Answers 201 with [{service_request_id, token, service_notice, account_id}] (in XML <service_requests><request>…). Errors are GeoReport\'s list of {code, description}: '
        + '403 without a valid api_key, 404 for an unknown service_code or jurisdiction_id or a service the jurisdiction does not offer, 400 naming each field that is wrong. '
        + 'A location is required: lat and long, address_string or address_id. An optional Idempotency-Key header makes a retried POST return the first request.',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      params: { type: 'object', required: ['format'], properties: { format: formatParam } },
      querystring: { type: 'object', properties: { api_key: { type: 'string', maxLength: 200 } } },
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
      body: Submission,
      response: { 201: Created, 400: Errors, 403: Errors, 404: Errors, 413: Errors, 415: Errors },
    },
  }, async (request, reply) => {
    const body = foldBody(request.body) as GeoReportSubmission;
    const client: Open311Client | undefined = await app.open311Clients.verify(body.api_key ?? request.query.api_key ?? '');
    if (!client) throw new GeoReportError(403, 'api_key: missing or not valid — کلید api_key فرستاده نشده یا معتبر نیست.');
    if (!body.service_code) throw new GeoReportError(400, 'service_code: required — کد خدمت (service_code) را بفرستید.');
    const entry = app.catalogue.find(body.service_code);
    if (!entry) throw new GeoReportError(404, `service_code: no service ${body.service_code} — چنین خدمتی وجود ندارد.`);
    const { service } = entry;
    const jurisdiction = app.open311Jurisdictions.resolve(body.jurisdiction_id);
    const districtId = service.channels.includes('portal') ? await app.open311Jurisdictions.filingDistrict(jurisdiction, service.id) : undefined;
    if (districtId === undefined) {
      throw new GeoReportError(404, `service_code: ${service.id} is not offered online in ${jurisdiction.id} (districts ${jurisdiction.districts.join(', ')}) — `
        + `خدمت «${service.name.fa}» هنوز در ${jurisdiction.districts.map((d) => app.open311Jurisdictions.districtName(d)).join('، ')} به صورت الکترونیکی ارائه نمی‌شود.`);
    }
    const lat = coordinate(body.lat, 'lat', 90);
    const long = coordinate(body.long, 'long', 180);
    if ((lat === undefined) !== (long === undefined)) {
      throw new GeoReportError(400, 'lat, long: send both or neither — عرض و طول جغرافیایی را با هم بفرستید.');
    }
    const formAddress = body.attribute?.address;
    if (lat === undefined && !body.address_string?.trim() && !body.address_id?.trim() && !(typeof formAddress === 'string' && formAddress.trim())) {
      throw new GeoReportError(400, 'lat, long, address_string, address_id: a location is required (lat and long, address_string or address_id) — محل را با عرض و طول جغرافیایی یا نشانی بفرستید.');
    }
    const media = mediaUrl(body.media_url);

    const form = formOf(inputFields(entry.form.components), body, { lat, long });
    if (!entry.validate(form)) {
      // `if` errors only repeat the `then` error beneath them.
      const errors = fieldErrors((entry.validate.errors ?? []).filter((error) => error.keyword !== 'if') as never, '/body/form');
      throw new GeoReportError(400, ...errors.map((error) => describeField(error, fieldName(error.path, (key) => standIns[key]))));
    }
    const citizen = await citizenOf(form);
    const idempotencyKey = request.headers['idempotency-key'];
    const { request: row } = await app.requests.submit({
      citizen, serviceId: service.id, districtId, channel: 'portal', form,
      // Scoped to the client: two apps choosing the same key never meet.
      idempotencyKey: idempotencyKey ? `open311:${client.id}:${idempotencyKey}` : undefined,
    });
    // Also on a replay: a crash between the submit and these inserts leaves the retry to make them.
    await app.db.transaction(async (trx) => {
      await trx('open311_requests').insert({
        request_id: row.id, client_id: client.id, lat: lat ?? null, long: long ?? null, address_string: body.address_string ?? null,
        address_id: body.address_id ?? null, media_url: media, device_id: body.device_id ?? null, account_id: body.account_id ?? null, email: body.email ?? null,
      }).onConflict('request_id').ignore();
      // The timeline tells staff (and the citizen) which app filed it, where, and the photo link, which has no place in the form.
      const notes = [lat !== undefined ? `محل روی نقشه: ${lat}, ${long}` : '', media ? `تصویر: ${media}` : ''].filter(Boolean);
      await trx('request_events').insert({
        request_id: row.id, kind: 'open311-filed', dedupe_key: 'open311:filed',
        data: { titleFa: `ثبت با برنامه «${client.name}» (Open311)`, ...(notes.length > 0 ? { noteFa: notes.join(' — ') } : {}) },
      }).onConflict(['request_id', 'dedupe_key']).ignore();
    });
    // As POST /api/requests: answer on commit and start at once in the background; the start sweeper covers a crash.
    if (!row.process_instance_key) app.startQueue.enqueue(row.id);
    const expected = await slaDueDate(app.db, new Date(row.created_at), service.slaWorkingDays);
    return answer(request, reply, 'service_requests', [ordered(Created.items, {
      service_request_id: row.tracking_code,
      token: row.id,
      service_notice: `درخواست شما با کد رهگیری ${persianDigits(row.tracking_code)} ثبت شد. ${serviceNotice(service, row.tracking_code, expected)}`,
      account_id: citizen.id,
    })], 201);
  });
}
