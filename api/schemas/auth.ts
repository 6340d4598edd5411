export const CodeRequest = {
  type: 'object',
  required: ['nationalCode', 'mobile'],
  additionalProperties: false,
  properties: {
    nationalCode: { type: 'string', format: 'national-code', description: 'کد ملی' },
    mobile: { type: 'string', format: 'mobile', description: 'شماره همراه, 09XXXXXXXXX' },
  },
} as const;

export const CodeSent = {
  type: 'object',
  required: ['expiresInSeconds'],
  properties: {
    expiresInSeconds: { type: 'integer' },
    developmentCode: { type: 'string', pattern: '^[0-9]{6}$', description: 'Only where the demo seed is on (never in production): the code the SMS carries' },
  },
} as const;

export const CodeSignIn = {
  type: 'object',
  required: ['nationalCode', 'mobile', 'code'],
  additionalProperties: false,
  properties: {
    ...CodeRequest.properties,
    code: { type: 'string', pattern: '^[0-9]{6}$', description: 'The six digits from the SMS' },
  },
} as const;

export const CitizenSession = {
  type: 'object',
  required: ['token', 'citizen'],
  properties: {
    token: { type: 'string' },
    citizen: {
      type: 'object',
      required: ['id', 'nationalCode', 'mobile'],
      properties: { id: { type: 'string' }, nationalCode: { type: 'string' }, mobile: { type: 'string' }, name: { type: ['string', 'null'] } },
    },
  },
} as const;

export const StaffSignIn = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 100 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

export const StaffSession = {
  type: 'object',
  required: ['token', 'staff'],
  properties: {
    token: { type: 'string' },
    staff: {
      type: 'object',
      required: ['id', 'username', 'name', 'role'],
      properties: {
        id: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' },
        role: { type: 'string' }, districtId: { type: ['integer', 'null'] },
      },
    },
  },
} as const;

export const Me = {
  type: 'object',
  required: ['kind', 'id'],
  properties: {
    kind: { type: 'string', enum: ['citizen', 'staff'] },
    id: { type: 'string' },
    nationalCode: { type: 'string' },
    mobile: { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    districtId: { type: ['integer', 'null'] },
  },
} as const;
