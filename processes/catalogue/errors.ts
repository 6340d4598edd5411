// BPMN error codes shared by the diagrams (error end events and catches) and
// the workers that throw them. A business outcome travels as one of these;
// a technical fault never does (it fails the job and is retried).

export const errorCodes = {
  /** Staff rejected the request (document check, inspection, approval, response, field work). Caught by each service's rejection event subprocess. */
  REQUEST_REJECTED: 'REQUEST_REJECTED',
  /** The citizen did not act in time (resubmission, payment, missed appointment). Caught by each service's lapse event subprocess. */
  REQUEST_LAPSED: 'REQUEST_LAPSED',
  /** Thrown by `payment.request` when the gateway refuses to open a payment for this payer; the payment process treats it like a failed payment. */
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  /** Thrown by `payment.request` when the fee rule yields zero (exempt or nothing to charge); the payment process ends without charging. */
  NO_FEE_DUE: 'NO_FEE_DUE',
  /** Thrown by `appointment.book` when the offered slot was taken concurrently; the appointment process books again. */
  SLOT_TAKEN: 'SLOT_TAKEN',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/** Codes a worker throws, by job type: each must be caught in every diagram that uses that job type. */
export const thrownByWorkers: Record<string, ErrorCode[]> = {
  'payment.request': [errorCodes.PAYMENT_DECLINED, errorCodes.NO_FEE_DUE],
  'appointment.book': [errorCodes.SLOT_TAKEN],
};
