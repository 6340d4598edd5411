// The fee the payment worker charges: domain/payments/fee.ts's rule, and a permanent
// fault (an incident) when the form lacks the quantity, which the form's own
// validation should have made impossible.
import { computeFee } from '../../domain/payments/fee.ts';
import type { FeeRule } from '../../processes/catalogue/index.ts';
import { PermanentFault } from '../job.ts';

/** Zero means nothing is due (the diagram's NO_FEE_DUE branch). */
export function feeDue(rule: FeeRule, form: Record<string, unknown>): number {
  const fee = computeFee(rule, form);
  if (fee === null) {
    const field = 'field' in rule ? rule.field : '?';
    throw new PermanentFault(`form field "${field}" must be a non-negative number for the fee; got ${JSON.stringify(form[field])}`);
  }
  return fee;
}
