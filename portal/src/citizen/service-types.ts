// The catalogue's shapes as GET /api/services returns them (api/schemas/catalogue.ts).
import type { FormSchema } from '../shared/form-view.ts';

export interface Fee { kind: string; amount?: number; rate?: number; field?: string }

export interface ServiceSummary {
  id: string;
  name: { fa: string; en: string };
  heading: string;
  channels: string[];
  documents: Array<{ id: string; fa: string }>;
  fee: Fee;
  steps?: string[];
  slaWorkingDays: number;
  description?: { fa?: string };
}

export interface ServiceDetail extends ServiceSummary {
  form: FormSchema;
  schema: Record<string, unknown>;
  districts: number[];
}
