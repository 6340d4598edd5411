// Filling a service's start form the way a citizen would: from the JSON
// Schema the API publishes with it (GET /api/services/:id), with the
// citizen's own identity, believable amounts (fees follow them) and Persian
// text. Only what the schema asks for, plus the optional fields now and then.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import type { Citizen } from './people.ts';
import type { Random } from './random.ts';

interface PropertySchema {
  type?: string; enum?: unknown[]; const?: unknown; format?: string; pattern?: string;
  minimum?: number; maximum?: number; minLength?: number; maxLength?: number;
  if?: unknown; else?: PropertySchema;
}

export interface FormSchema { properties: Record<string, PropertySchema>; required?: string[] }

/** Typical magnitudes of the numeric fields fees are computed from, so bills look like real ones. */
const typical: Record<string, [number, number]> = {
  floorArea: [60, 400], buildingArea: [60, 400], landArea: [150, 1200], propertyArea: [60, 300], signArea: [2, 20], wallArea: [10, 80],
  trenchLength: [5, 120], treeCount: [1, 4], debrisVolume: [1, 8], binCount: [1, 3], storageDays: [1, 10], days: [1, 10],
  closureDays: [1, 3], eventDays: [1, 3], hours: [1, 3], expectedAttendance: [20, 300], householdSize: [2, 6], floors: [1, 6],
  unitCount: [1, 12], buildingUnits: [1, 12], plotCount: [2, 6], animalCount: [1, 3], estimatedAmount: [5_000_000, 200_000_000],
  manufactureYear: [1390, 1403],
};

const texts = ['درخواست رسیدگی در اسرع وقت', 'لطفاً بررسی و اقدام شود', 'توضیحات در پیوست آمده است', 'خیابان امام رضا، کوچه ۱۲، پلاک ۸'];

const postalCode = (random: Random) => `${random.int(1, 9)}${String(random.int(0, 99_999_999)).padStart(8, '0')}${random.int(0, 9)}`;

function valueFor(key: string, schema: PropertySchema, citizen: Citizen, random: Random, filedAt: Date): unknown {
  if (schema.if && schema.else) return valueFor(key, schema.else, citizen, random, filedAt);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  if (key === 'nationalCode') return citizen.nationalCode;
  if (key === 'mobile') return citizen.mobile;
  if (key === 'citizenName') return citizen.name;
  if (key === 'postalCode') return postalCode(random);
  if (key === 'renewalCode') return `${random.int(1, 99)}-${random.int(1, 99)}-${random.int(1, 999)}-${random.int(1, 9)}-0-0`;
  if (key === 'plateNumber') return `${random.int(10, 99)} ب ${random.int(100, 999)} ${random.int(10, 99)}`;
  if (key === 'previousTrackingCode') return String(random.int(1_000_000_000, 9_999_999_999));
  if (schema.type === 'boolean') return true;
  if (schema.type === 'number' || schema.type === 'integer') {
    const low = schema.minimum ?? 1;
    const high = schema.maximum ?? low + 10;
    const [from, to] = typical[key] ?? [low, Math.min(high, low + 5)];
    return Math.min(high, Math.max(low, random.int(Math.ceil(from), Math.floor(to))));
  }
  if (schema.format === 'date') {
    return DateTime.fromJSDate(filedAt, { zone: IRAN_TIME_ZONE }).plus({ days: random.int(3, 20) }).toISODate();
  }
  if (schema.format === 'date-time') return new Date(filedAt.getTime() + random.int(3, 20) * 86_400_000).toISOString();
  const text = random.pick(texts);
  return text.slice(0, schema.maxLength ?? text.length);
}

/** A start form's answers: every required field, and each optional one half the time. */
export function fillForm(schema: FormSchema, citizen: Citizen, random: Random, filedAt: Date): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const form: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (!required.has(key) && !random.chance(0.5)) continue;
    form[key] = valueFor(key, property, citizen, random, filedAt);
  }
  return form;
}
