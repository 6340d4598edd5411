import { staffRoles } from '../plugins/app/auth.ts';

const StaffId = { type: 'string', format: 'uuid' } as const;
const DistrictId = { type: ['integer', 'null'], minimum: 1, maximum: 99, description: 'The district the person works in; null for city-wide staff' } as const;

export const StaffParams = { type: 'object', required: ['staffId'], properties: { staffId: StaffId } } as const;

export const StaffAccount = {
  type: 'object',
  required: ['id', 'username', 'name', 'role', 'districtId', 'active', 'createdAt'],
  properties: {
    id: StaffId, username: { type: 'string' }, name: { type: 'string' },
    role: { type: 'string', enum: staffRoles }, districtId: { type: ['integer', 'null'] },
    active: { type: 'boolean', description: 'false: withdrawn; signs in no more, and its tokens stopped working when it was withdrawn' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const StaffListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    districtId: { type: 'integer', minimum: 1, maximum: 99 },
    role: { type: 'string', enum: staffRoles },
    active: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
} as const;

export const StaffChange = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description: 'Any change ends the account\'s sessions: tokens issued before it stop working at once',
  properties: {
    active: { type: 'boolean', description: 'false withdraws the account' },
    role: { type: 'string', enum: staffRoles },
    districtId: DistrictId,
  },
} as const;
