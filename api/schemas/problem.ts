// RFC 9457 problem details: the one error shape every route answers with.
export const FieldError = {
  type: 'object',
  required: ['path', 'message', 'messageFa'],
  properties: {
    path: { type: 'string', description: 'JSON pointer to the failing field, starting with its location: /body/form/nationalCode' },
    message: { type: 'string' },
    messageFa: { type: 'string', description: 'The same in Persian, to show citizens' },
  },
} as const;

export const Problem = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    detailFa: { type: 'string', description: 'Persian explanation for citizens' },
    instance: { type: 'string' },
    errors: { type: 'array', items: FieldError },
  },
} as const;

export const problemRef = { $ref: 'Problem#' } as const;

/** Response schemas for the client errors a route can answer, all problem details. */
export function problems(...statuses: number[]): Record<number, typeof problemRef> {
  return Object.fromEntries([400, ...statuses].map((status) => [status, problemRef]));
}
