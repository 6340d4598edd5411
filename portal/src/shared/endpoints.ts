// Every API route the pages call, in one list, so the contract they rely on
// (issue 6) is readable in one place and changes in one place.
const code = (trackingCode: string) => encodeURIComponent(trackingCode);

export const endpoints = {
  services: '/api/services',
  service: (id: string) => `/api/services/${encodeURIComponent(id)}`,
  citizenCode: '/api/auth/citizen/code',
  citizenToken: '/api/auth/citizen/token',
  staffToken: '/api/auth/staff/token',
  me: '/api/auth/me',

  requests: '/api/requests',
  request: (trackingCode: string) => `/api/requests/${code(trackingCode)}`,
  documents: (trackingCode: string) => `/api/requests/${code(trackingCode)}/documents`,
  document: (trackingCode: string, documentId: string) => `/api/requests/${code(trackingCode)}/documents/${encodeURIComponent(documentId)}`,
  resubmit: (trackingCode: string) => `/api/requests/${code(trackingCode)}/resubmit`,
  cancel: (trackingCode: string) => `/api/requests/${code(trackingCode)}/cancel`,
  rating: (trackingCode: string) => `/api/requests/${code(trackingCode)}/rating`,
  certificate: (trackingCode: string) => `/api/requests/${code(trackingCode)}/certificate`,

  payments: (trackingCode: string) => `/api/requests/${code(trackingCode)}/payments`,
  receipt: (paymentId: string) => `/api/payments/${encodeURIComponent(paymentId)}/receipt`,

  slots: (trackingCode: string, day: string) => `/api/requests/${code(trackingCode)}/appointment/slots?day=${encodeURIComponent(day)}`,
  appointment: (trackingCode: string) => `/api/requests/${code(trackingCode)}/appointment`,
  attendance: (trackingCode: string) => `/api/requests/${code(trackingCode)}/appointment/attendance`,
  /** The counter's day: the district office's appointments of a Tehran day (`YYYY-MM-DD`). */
  counterDay: (day: string) => `/api/appointments?day=${encodeURIComponent(day)}`,

  tasks: '/api/tasks',
  task: (key: string) => `/api/tasks/${encodeURIComponent(key)}`,
  claim: (key: string) => `/api/tasks/${encodeURIComponent(key)}/claim`,
  complete: (key: string) => `/api/tasks/${encodeURIComponent(key)}/complete`,

  citizenRequests: (nationalCode: string) => `/api/citizens/${encodeURIComponent(nationalCode)}/requests`,
  /** The citizens registered with a mobile, as a list `[{ nationalCode, mobile, name }]` (a household may share a number). */
  citizenByMobile: (mobile: string) => `/api/citizens?mobile=${encodeURIComponent(mobile)}`,

  figures: '/api/figures',
  simulations: '/api/simulations',
  simulation: (id: string) => `/api/simulations/${encodeURIComponent(id)}`,
} as const;
