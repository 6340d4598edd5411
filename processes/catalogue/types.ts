// The shape of a service in the catalogue. Everything the diagrams, forms,
// workers and API need to know about a service is stated here once.

export const headingIds = ['urban-services', 'urban-planning', 'transport', 'cultural-social', 'public-relations'] as const;
export type HeadingId = (typeof headingIds)[number];

export const channels = ['portal', 'call-centre', 'in-person'] as const;
export type Channel = (typeof channels)[number];

/**
 * The kinds of step a service diagram is made of, in the order they run.
 * Each kind maps to one shared called process or worker task (see
 * processes/README.md), so a diagram's shape follows from its steps.
 */
export const stepKinds = [
  'document-check', // clerk checks documents; may return them for correction
  'inspection', // an inspector visits the site and records findings
  'approval', // the role in `approver` approves, rejects or returns
  'appointment', // the citizen comes to the district office
  'payment', // the fee is charged through the bank gateway
  'field-work', // a crew carries out the service (pruning, collection, repair)
  'response', // an official answers the citizen in writing
  'certificate', // a permit or certificate is issued
  'survey', // the citizen is asked about their satisfaction (137 practice)
] as const;
export type StepKind = (typeof stepKinds)[number];

/** Staff roles; a user task's candidate group is `district-<n>:<role>`. */
export const roles = [
  'clerk',
  'inspector',
  'manager',
  'urban-planning-deputy',
  'traffic-deputy',
  'cultural-deputy',
  'services-deputy',
  'services-crew',
  'green-space-crew',
  'civil-works-crew',
  'urban-planner',
  'traffic-engineer',
  'social-worker',
  'public-relations',
  'finance',
  'dues-commission',
] as const;
export type Role = (typeof roles)[number];

/** Persian titles of the roles, for labels in diagrams and task lists. */
export const roleNames: Record<Role, string> = {
  clerk: 'کارشناس پذیرش',
  inspector: 'بازدیدکننده',
  manager: 'شهردار منطقه',
  'urban-planning-deputy': 'معاون شهرسازی',
  'traffic-deputy': 'معاون حمل و نقل و ترافیک',
  'cultural-deputy': 'معاون فرهنگی و اجتماعی',
  'services-deputy': 'معاون خدمات شهری',
  'services-crew': 'اکیپ خدمات شهری',
  'green-space-crew': 'اکیپ فضای سبز',
  'civil-works-crew': 'اکیپ عمران',
  'urban-planner': 'کارشناس شهرسازی',
  'traffic-engineer': 'کارشناس ترافیک',
  'social-worker': 'مددکار اجتماعی',
  'public-relations': 'واحد ارتباط مردمی',
  finance: 'واحد درآمد',
  'dues-commission': 'کمیسیون ماده ۷۷',
};

export interface LocalisedName {
  fa: string;
  en: string;
}

export interface DocumentRequirement {
  /** Stable id, kebab-case; the API stores uploads under it. */
  id: string;
  /** Persian name shown to the citizen. */
  fa: string;
}

/** Amounts in rials, integers. `field` is a key of the service's start form. */
export type FeeRule =
  | { kind: 'none' }
  | { kind: 'fixed'; amount: number }
  | { kind: 'per-square-metre'; rate: number; field: string }
  | { kind: 'per-unit'; rate: number; field: string };

/** Form ids (= file names in processes/forms/ without `.form`). */
export interface ServiceForms {
  /** The citizen's start form. */
  start: string;
  /** The form of each user-task kind the service's diagram contains. */
  tasks: Partial<Record<StepKind, string>>;
}

export interface Service {
  /** kebab-case slug = diagram file name = BPMN process id = API path segment. */
  id: string;
  name: LocalisedName;
  heading: HeadingId;
  channels: Channel[];
  documents: DocumentRequirement[];
  fee: FeeRule;
  steps: StepKind[];
  slaWorkingDays: number;
  /** Who decides at the approval step; present exactly when `steps` has 'approval'. */
  approver?: Role;
  /** Who does the field work or writes the response; present when `steps` has either. */
  performer?: Role;
  /** Every staff role that acts on the service, escalation to the manager included. */
  roles: Role[];
  forms: ServiceForms;
  description: { fa: string };
}

export interface Heading {
  id: HeadingId;
  name: LocalisedName;
}
