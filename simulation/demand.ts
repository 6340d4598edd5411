// The demand model of a district: every parameter of the simulation in one
// place, with its source where one is known. Nearly all values are
// ASSUMPTIONS — order-of-magnitude guesses made for the pilot, to be replaced
// by the municipality's own counts (the 137 centre's yearly report, the
// district offices' registers, the payment gateway's statistics) once the
// pilot has run a few months; the figures page then gives most of them
// directly. Each assumption is marked `assumed`.
//
// Volume: 12,000 requests a month in district 12 (assumed; 144,000 a year,
// about 1.4 requests per resident a year for the ~100,000 residents assumed
// in districts.ts) — the order of 10⁴–10⁵ a month the pilot plan speaks of.
import type { Channel, Role } from '../processes/catalogue/index.ts';

/** Spread of a duration: median and 90th percentile, log-normally distributed. */
export interface Spread { median: number; p90: number }

export interface DemandModel {
  /** Requests a month in the district modelled (assumed for district 12; scaled by population elsewhere). */
  requestsPerMonth: number;
  /** Share of each channel when a service offers all three (assumed; the plan's aim is fewer office visits). */
  channels: Record<Channel, number>;
  /** Relative volume of each service (assumed); services not listed are not filed. */
  services: Record<string, number>;
  /** Arrivals by weekday (luxon: 1 Monday … 6 Saturday, 7 Sunday), relative, per channel (assumed). */
  weekdays: Record<Channel, Record<number, number>>;
  /** Arrivals by hour of the day (Tehran time, 0–23), relative, per channel (assumed). */
  hours: Record<Channel, number[]>;
  /** What citizens do (all assumed). */
  citizens: {
    /** Share of document checks a clerk returns for correction the first time, and again after a correction. */
    correction: { first: number; again: number };
    /** Share of returned requests the citizen corrects at all (the rest lapse after 14 days), and after how long (hours). */
    resubmit: { share: number; delayHours: Spread };
    /** Share of requests paying at all when asked (the rest lapse after 3 days), how long they take (hours), and the share of attempts the citizen cancels at the bank's page. */
    payment: { share: number; delayHours: Spread; cancelledAttempt: number };
    /** Share of booked appointments the citizen does not come to, moves, or cancels (then books again within the 14 days). */
    appointment: { noShow: number; move: number; cancel: number };
    /** Share of requests withdrawn while open, and after how long (hours). */
    withdraw: { share: number; delayHours: Spread };
    /** Share of closed requests the citizen rates, and how the scores fall (1 to 5). */
    rating: { share: number; scores: [number, number, number, number, number] };
  };
  /** What staff decide (all assumed). */
  decisions: {
    /** Share of document checks rejected outright. */
    documentReject: number;
    /** Share of inspections that fail (the request is rejected). */
    inspectionFail: number;
    /** Share of approvals rejected, and returned for correction. */
    approval: { reject: number; return: number };
    /** Share of field work found not possible, and of responses declined. */
    workNotPossible: number;
    responseDeclined: number;
  };
  /** Staff time per task, in office minutes, by the task's form (assumed). */
  handlingMinutes: Record<TaskForm, Spread>;
  /** Staff accounts per role (assumed for district 12). */
  roster: Partial<Record<Role, number>>;
}

export const taskForms = ['task-document-check', 'task-inspection', 'task-approval', 'task-work-report', 'task-response'] as const;
export type TaskForm = (typeof taskForms)[number];

const flat = (value: number) => Array.from({ length: 24 }, () => value);

/**
 * District 12, the pilot. Weights are percentages of the month's requests
 * (assumed): everyday reports and payments dominate, permits are few.
 */
export const district12: DemandModel = {
  requestsPerMonth: 12_000,
  channels: { portal: 0.6, 'call-centre': 0.25, 'in-person': 0.15 },
  services: {
    // Public relations and revenue: the most frequent (137's own mix is dominated by complaints).
    complaint: 12, 'renewal-dues-payment': 8, 'dues-enquiry': 6, 'information-request': 3, suggestion: 3, appreciation: 1.5,
    'satisfaction-survey': 1, 'mayor-meeting': 0.5, 'dues-objection': 0.5, 'damage-claim': 0.3,
    // Urban services.
    'street-cleaning': 8, 'tree-pruning': 4, 'bulky-waste-collection': 4, 'green-space-upkeep': 3, 'stray-animal-report': 3,
    'construction-debris-removal': 3, 'waste-bin-request': 2, 'pest-control': 2, 'tree-felling-permit': 0.5, 'park-event-permit': 0.4,
    'street-vendor-permit': 0.5,
    // Urban planning.
    'asphalt-sidewalk-repair': 4, 'building-violation-report': 3, 'non-violation-certificate': 2, 'zoning-enquiry': 2, 'building-permit': 1.5,
    'building-permit-renewal': 1, 'completion-certificate': 1, 'renovation-permit': 1, 'frame-inspection-certificate': 1,
    'building-number-plate': 1, 'street-excavation-permit': 0.7, 'demolition-permit': 0.5, 'land-subdivision': 0.3,
    // Transport and traffic.
    'resident-parking-permit': 3, 'traffic-zone-permit': 2, 'towed-vehicle-release': 2, 'speed-bump-request': 1, 'traffic-sign-request': 1,
    'taxi-driver-permit': 0.7, 'taxi-operating-licence': 0.4, 'light-freight-permit': 0.5, 'temporary-street-closure': 0.5,
    'traffic-impact-assessment': 0.2,
    // Cultural and social.
    'sports-facility-booking': 2, 'neighbourhood-class-enrolment': 1.5, 'social-support-referral': 1, 'cultural-hall-booking': 0.8,
    'volunteer-registration': 0.5, 'billboard-permit': 0.5, 'cultural-event-permit': 0.4, 'accessibility-request': 0.3,
    'mural-permit': 0.2, 'neighbourhood-council-registration': 0.2,
  },
  weekdays: {
    // Saturday starts the Iranian week; Thursday is a half day, Friday the weekend.
    portal: { 6: 1.15, 7: 1.1, 1: 1.1, 2: 1.05, 3: 1.0, 4: 0.85, 5: 0.75 },
    'call-centre': { 6: 1.2, 7: 1.15, 1: 1.1, 2: 1.05, 3: 1.0, 4: 0.8, 5: 0.7 },
    // The office: open Saturday to Wednesday, Thursday mornings (office_hours).
    'in-person': { 6: 1.25, 7: 1.2, 1: 1.2, 2: 1.15, 3: 1.1, 4: 0.6, 5: 0 },
  },
  hours: {
    // Phones: low at night, a morning rise, an evening peak after work.
    portal: [0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.9, 2.0, 1.9, 1.7, 1.5, 1.4, 1.4, 1.5, 1.7, 1.9, 2.1, 2.2, 2.0, 1.5, 0.9],
    // 137 answers from 7:00 to 22:00 (assumed; many centres run round the clock).
    'call-centre': [0, 0, 0, 0, 0, 0, 0, 1.0, 1.8, 2.0, 2.0, 1.9, 1.6, 1.4, 1.3, 1.2, 1.2, 1.3, 1.4, 1.4, 1.2, 1.0, 0, 0],
    // The counter: office hours only (7:30 to 14:30; 12:00 on Thursdays, handled by the weekday and the calendar).
    'in-person': [...flat(0).slice(0, 7), 0.5, 1.8, 2.0, 2.0, 1.8, 1.4, 1.0, 0.5, ...flat(0).slice(0, 9)],
  },
  citizens: {
    correction: { first: 0.15, again: 0.05 },
    resubmit: { share: 0.85, delayHours: { median: 20, p90: 90 } },
    payment: { share: 0.94, delayHours: { median: 3, p90: 30 }, cancelledAttempt: 0.05 },
    appointment: { noShow: 0.12, move: 0.05, cancel: 0.03 },
    withdraw: { share: 0.02, delayHours: { median: 24, p90: 120 } },
    rating: { share: 0.3, scores: [0.08, 0.07, 0.15, 0.3, 0.4] },
  },
  decisions: {
    documentReject: 0.04,
    inspectionFail: 0.1,
    approval: { reject: 0.06, return: 0.04 },
    workNotPossible: 0.03,
    responseDeclined: 0.05,
  },
  handlingMinutes: {
    'task-document-check': { median: 12, p90: 30 },
    // A site visit, travel included.
    'task-inspection': { median: 45, p90: 110 },
    'task-approval': { median: 15, p90: 45 },
    // A crew's job on site.
    'task-work-report': { median: 90, p90: 240 },
    'task-response': { median: 20, p90: 60 },
  },
  // Sized so each role's office hours cover its expected work at about 80% (the mean handling times above times the volumes).
  roster: {
    clerk: 8, inspector: 28, manager: 1, 'urban-planning-deputy': 2, 'traffic-deputy': 2, 'cultural-deputy': 1, 'services-deputy': 1,
    'services-crew': 40, 'green-space-crew': 12, 'civil-works-crew': 11, 'urban-planner': 3, 'traffic-engineer': 1, 'social-worker': 1,
    'public-relations': 9, finance: 3, 'dues-commission': 1,
  },
};

/** The model with its volume scaled (a test's small week, another district's population). */
export function scaled(model: DemandModel, factor: number): DemandModel {
  return { ...model, requestsPerMonth: model.requestsPerMonth * factor };
}
