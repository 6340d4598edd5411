// The catalogue's shapes as GET /api/services and GET /api/services/{id} answer them.
import type { Answer } from '../shared/api.ts';

export type ServiceSummary = Answer<'/api/services/'>['services'][number];
export type Fee = ServiceSummary['fee'];
export type ServiceDetail = Answer<'/api/services/{id}'>;
