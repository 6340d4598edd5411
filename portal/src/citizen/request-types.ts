// A request as the pages use it, put together from GET /api/requests/{code}
// (status, form, timeline, rating) and the request's documents, payments,
// appointment and certificate routes, each fetched apart.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { api } from './session.ts';

import type { TimelineEntry } from '../shared/timeline.ts';

export type { TimelineEntry };
export type UploadedDocument = Answer<'/api/requests/{trackingCode}/documents/'>[number];
export type Payment = Answer<'/api/requests/{trackingCode}/payments/'>[number];
/** The newest booking, live (booked) or not (cancelled, attended, missed). */
export type Appointment = Answer<'/api/requests/{trackingCode}/appointment/'>;
export type RequestView = Answer<'/api/requests/{trackingCode}'>;

export interface CitizenRequest extends Omit<RequestView, 'certificate'> {
  documents: UploadedDocument[];
  payments: Payment[];
  appointment: Appointment | null;
  /**
   * The issued permit: a document of kind `certificate`, or else known from
   * the timeline (certificate-issued) and served by the certificate route.
   */
  certificate: { document: UploadedDocument | null; number: string | null; issuedAt: string | null; verificationCode?: string } | null;
}

/** A part of the request served by its own route; absent (404) while that route or thing does not exist. */
async function optional<T>(path: string): Promise<T | null> {
  try {
    return await api.get<T>(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

function listOf<T>(answer: T[] | Record<string, T[]> | null): T[] {
  if (!answer) return [];
  if (Array.isArray(answer)) return answer;
  return Object.values(answer).find(Array.isArray) ?? [];
}

/** The request and its parts; the appointment only for a service that has one (`withAppointment`), so no other page asks for what cannot exist. */
export async function loadRequest(trackingCode: string, withAppointment: (serviceId: string) => Promise<boolean>): Promise<CitizenRequest> {
  const view = await api.get<RequestView>(endpoints.request(trackingCode));
  const [documents, payments, appointment] = await Promise.all([
    optional<UploadedDocument[]>(endpoints.documents(trackingCode)),
    optional<Payment[]>(endpoints.payments(trackingCode)),
    withAppointment(view.service.id).then((has) => (has ? optional<Appointment>(endpoints.appointment(trackingCode)) : null)),
  ]);
  const all = listOf(documents);
  return {
    ...view,
    documents: all.filter((document) => document.kind !== 'certificate'),
    payments: listOf(payments),
    appointment,
    certificate: certificateOf(view, all.filter((document) => document.kind === 'certificate').at(-1) ?? null),
  };
}

function certificateOf(view: RequestView, document: UploadedDocument | null): CitizenRequest['certificate'] {
  if (view.certificate) return { document, ...view.certificate };
  const issued = view.timeline.find((entry) => entry.kind === 'certificate-issued');
  if (!document && !issued) return null;
  const number = issued?.data?.number ?? issued?.data?.certificateNumber;
  return { document, number: typeof number === 'string' ? number : null, issuedAt: issued?.at ?? document?.createdAt ?? null };
}

export function isClosed(request: { status: string; closedAt?: string | null }): boolean {
  return Boolean(request.closedAt) || request.status === 'closed';
}
