// The fee of a request, from the catalogue's rule and the start form. Rials,
// integers; the one place a fee is computed: the payment worker charges it,
// the portal shows it on the check-your-answers page before filing.
import type { FeeRule } from '../../processes/catalogue/types.ts';

/** Reads a non-negative number from the form (numbers may arrive as strings from form-js); null when there is none. */
function quantity(form: Record<string, unknown>, field: string): number | null {
  const raw = form[field];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : raw;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** Zero means nothing is due (the diagram's NO_FEE_DUE branch); null when the form lacks the quantity the rule counts by. */
export function computeFee(rule: FeeRule, form: Record<string, unknown>): number | null {
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return rule.amount;
    case 'per-square-metre':
    case 'per-unit': {
      const counted = quantity(form, rule.field);
      // Part square metres are charged in full rials, rounded up, never a fraction of a rial.
      return counted === null ? null : Math.ceil(rule.rate * counted);
    }
  }
}
