// What a running simulation shares between the driver, the citizens and the
// staff: the API client, the agenda, the step's business time and the ledger
// of every request filed.
import type { Channel } from '../processes/catalogue/index.ts';
import type { Agenda } from './agenda.ts';
import type { ApiClient } from './api-client.ts';
import type { DemandModel } from './demand.ts';
import type { Citizen, StaffMember } from './people.ts';
import type { Random } from './random.ts';

export interface FiledRequest {
  index: number;
  id: string;
  trackingCode: string;
  serviceId: string;
  channel: Channel;
  citizen: Citizen;
  /** Business time it was filed, epoch ms. */
  filedAt: number;
  form: Record<string, unknown>;
  /** This request's own stream of chances, so its fate does not depend on the order things happen in. */
  random: Random;
  /** Whether the citizen pays when asked (drawn once). */
  pays: boolean;
  corrections: number;
  /** Start of the appointment the citizen holds, epoch ms. */
  appointmentAt?: number;
  appointmentChanged?: boolean;
  /** As the API tells the citizen at the end of the run. */
  final?: { status: string; outcome: string | null; started: boolean };
}

export interface Run {
  client: ApiClient;
  agenda: Agenda;
  model: DemandModel;
  district: number;
  /** The business time of the current step, epoch ms. */
  now(): number;
  holidays: Set<string>;
  /** Chances not tied to one request. */
  random: Random;
  /** Every request the API accepted, by id. */
  requests: Map<string, FiledRequest>;
  /** Staff who file for callers and walk-ins, and record attendance. */
  agents: StaffMember[];
  clerks: StaffMember[];
  /** Counts of what happened, by kind. */
  count(kind: string, by?: number): void;
  /** An answer the model did not expect: counted, and the first few kept for the report. */
  unexpected(what: string, detail: unknown): void;
}

export const hour = 3_600_000;
export const minute = 60_000;
