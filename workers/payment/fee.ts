// The fee of a request, from the catalogue's rule and the start form. Rials,
// integers; the one place a fee is computed.
import type { FeeRule } from '../../processes/catalogue/index.ts';
import { PermanentFault } from '../job.ts';

/** Reads a positive number from the form (numbers may arrive as strings from form-js). */
function quantity(form: Record<string, unknown>, field: string): number {
  const raw = form[field];
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PermanentFault(`form field "${field}" must be a non-negative number for the fee; got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Zero means nothing is due (the diagram's NO_FEE_DUE branch). */
export function computeFee(rule: FeeRule, form: Record<string, unknown>): number {
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return rule.amount;
    case 'per-square-metre':
    case 'per-unit':
      // Part square metres are charged in full rials, rounded up, never a fraction of a rial.
      return Math.ceil(rule.rate * quantity(form, rule.field));
  }
}
