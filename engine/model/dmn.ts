// DMN decision requirements graphs: decision tables (FEEL unary tests, the
// usual hit policies) and literal expressions, evaluated with their required
// decisions first, whose results are visible under the decision id.
import { DmnModdle } from 'dmn-moddle';
import { evaluateJson, FeelError, syntaxProblem, unaryTestOf } from '../feel.ts';
import { ModelError } from './bpmn.ts';

type El = any; // moddle element, read structurally

export interface DecisionModel {
  id: string;
  name: string;
  required: string[];
  table?: {
    hitPolicy: string;
    aggregation?: string;
    inputs: Array<{ id: string; label: string; expression: string }>;
    outputs: Array<{ id: string; name: string }>;
    rules: Array<{ id: string; inputs: string[]; outputs: string[] }>;
  };
  literal?: { expression: string; variable: string };
}

export interface DrgModel { id: string; name: string; decisions: Map<string, DecisionModel> }

export interface EvaluatedDecision {
  decisionId: string;
  decisionName: string;
  decisionType: string;
  output: unknown;
  matchedRules: Array<{ ruleId: string; ruleIndex: number; outputs: Array<{ outputId: string; outputName: string; outputValue: unknown }> }>;
  inputs: Array<{ inputId: string; inputName: string; inputValue: unknown }>;
}

export interface DecisionResult {
  output: unknown;
  evaluated: EvaluatedDecision[];
  failedDecisionId?: string;
  failure?: string;
}

function check(id: string, text: string, kind: 'expression' | 'unary'): void {
  if (kind === 'unary' && (text.trim() === '' || text.trim() === '-')) return;
  const problem = syntaxProblem(text, kind);
  if (problem) throw new ModelError(`Decision ${id}: ${problem}`);
}

export async function parseDmn(xml: string): Promise<DrgModel> {
  let parsed;
  try {
    parsed = await new DmnModdle().fromXML(xml, 'dmn:Definitions');
  } catch (error) {
    throw new ModelError(`Failed to parse DMN XML: ${(error as Error).message}`);
  }
  const definitions = parsed.rootElement;
  const decisions = new Map<string, DecisionModel>();
  for (const el of (definitions.drgElement ?? []) as El[]) {
    if (el.$type !== 'dmn:Decision') continue;
    const required = (el.informationRequirement ?? [])
      .map((r: El) => r.requiredDecision?.href?.replace(/^#/, ''))
      .filter(Boolean) as string[];
    const decision: DecisionModel = { id: el.id, name: el.name ?? el.id, required };
    const logic = el.decisionLogic;
    if (logic?.$type === 'dmn:DecisionTable') {
      const inputs = (logic.input ?? []).map((input: El) => {
        const expression = input.inputExpression?.text ?? '';
        check(el.id, expression, 'expression');
        return { id: input.id, label: input.label ?? expression, expression };
      });
      const outputs = (logic.output ?? []).map((output: El) => ({ id: output.id, name: output.name ?? output.label ?? output.id }));
      const rules = (logic.rule ?? []).map((rule: El) => {
        const ruleInputs = (rule.inputEntry ?? []).map((entry: El) => entry.text ?? '-');
        const ruleOutputs = (rule.outputEntry ?? []).map((entry: El) => entry.text ?? '');
        ruleInputs.forEach((text: string) => check(el.id, text, 'unary'));
        ruleOutputs.forEach((text: string) => text.trim() && check(el.id, text, 'expression'));
        return { id: rule.id, inputs: ruleInputs, outputs: ruleOutputs };
      });
      decision.table = { hitPolicy: logic.hitPolicy ?? 'UNIQUE', aggregation: logic.aggregation, inputs, outputs, rules };
    } else if (logic?.$type === 'dmn:LiteralExpression') {
      const expression = logic.text ?? 'null';
      check(el.id, expression, 'expression');
      decision.literal = { expression, variable: el.variable?.name ?? el.id };
    } else {
      throw new ModelError(`Decision ${el.id}: only decision tables and literal expressions are supported`);
    }
    decisions.set(decision.id, decision);
  }
  if (decisions.size === 0) throw new ModelError('DMN resource contains no decision');
  for (const decision of decisions.values()) {
    for (const id of decision.required) if (!decisions.has(id)) throw new ModelError(`Decision ${decision.id}: requires unknown decision '${id}'`);
  }
  return { id: definitions.id, name: definitions.name ?? definitions.id, decisions };
}

function aggregate(values: unknown[], aggregation: string): unknown {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  switch (aggregation) {
    case 'COUNT': return values.length;
    case 'SUM': return numbers.reduce((a, b) => a + b, 0);
    case 'MIN': return numbers.length ? Math.min(...numbers) : null;
    case 'MAX': return numbers.length ? Math.max(...numbers) : null;
    default: return values;
  }
}

function evaluateOne(decision: DecisionModel, context: Record<string, unknown>): EvaluatedDecision {
  if (decision.literal) {
    const output = evaluateJson(decision.literal.expression, context);
    return { decisionId: decision.id, decisionName: decision.name, decisionType: 'LITERAL_EXPRESSION', output, matchedRules: [], inputs: [] };
  }
  const table = decision.table!;
  const inputValues = table.inputs.map((input) => evaluateJson(input.expression, context));
  const matched: EvaluatedDecision['matchedRules'] = [];
  table.rules.forEach((rule, index) => {
    const hit = rule.inputs.every((test, i) => unaryTestOf(test, inputValues[i], context));
    if (!hit) return;
    matched.push({
      ruleId: rule.id, ruleIndex: index + 1,
      outputs: table.outputs.map((output, i) => ({
        outputId: output.id, outputName: output.name,
        outputValue: rule.outputs[i]?.trim() ? evaluateJson(rule.outputs[i]!, context) : null,
      })),
    });
  });
  const ruleValue = (rule: EvaluatedDecision['matchedRules'][number]): unknown => {
    if (rule.outputs.length === 1) return rule.outputs[0]!.outputValue;
    return Object.fromEntries(rule.outputs.map((o) => [o.outputName, o.outputValue]));
  };
  let output: unknown;
  let rules = matched;
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (matched.length > 1) throw new FeelError(`multiple rules matched for hit policy UNIQUE: ${matched.map((r) => r.ruleId).join(', ')}`);
      output = matched[0] ? ruleValue(matched[0]) : null;
      break;
    case 'ANY':
      if (new Set(matched.map((r) => JSON.stringify(ruleValue(r)))).size > 1) throw new FeelError('rules with different outputs matched for hit policy ANY');
      output = matched[0] ? ruleValue(matched[0]) : null;
      rules = matched.slice(0, 1);
      break;
    case 'FIRST':
    case 'PRIORITY':
      rules = matched.slice(0, 1);
      output = matched[0] ? ruleValue(matched[0]) : null;
      break;
    case 'COLLECT': {
      const values = matched.map(ruleValue);
      output = table.aggregation ? aggregate(values, table.aggregation) : values;
      break;
    }
    default: // RULE ORDER, OUTPUT ORDER
      output = matched.map(ruleValue);
  }
  return {
    decisionId: decision.id, decisionName: decision.name, decisionType: 'DECISION_TABLE', output, matchedRules: rules,
    inputs: table.inputs.map((input, i) => ({ inputId: input.id, inputName: input.label, inputValue: inputValues[i] })),
  };
}

/** Evaluates a decision with everything it requires; never throws for FEEL problems. */
export function evaluateDecision(drg: DrgModel, decisionId: string, variables: Record<string, unknown>): DecisionResult {
  const evaluated: EvaluatedDecision[] = [];
  const results = new Map<string, unknown>();
  const visit = (id: string): unknown => {
    if (results.has(id)) return results.get(id);
    const decision = drg.decisions.get(id)!;
    const context: Record<string, unknown> = { ...variables };
    for (const required of decision.required) context[required] = visit(required);
    const result = evaluateOne(decision, context);
    evaluated.push(result);
    results.set(id, result.output);
    return result.output;
  };
  let current = decisionId;
  try {
    const order = (id: string): void => {
      current = id;
      for (const required of drg.decisions.get(id)!.required) order(required);
    };
    order(decisionId);
    current = decisionId;
    const output = visit(decisionId);
    return { output, evaluated };
  } catch (error) {
    const failed = evaluated.length < drg.decisions.size ? [...drg.decisions.keys()].find((id) => !results.has(id) && id === current) ?? decisionId : decisionId;
    return { output: null, evaluated, failedDecisionId: failed, failure: `failed to evaluate decision '${failed}': ${(error as Error).message}` };
  }
}
