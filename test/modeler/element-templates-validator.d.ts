// The validator ships no type declarations; the tests use one function.
declare module '@bpmn-io/element-templates-validator' {
  export function validateZeebe(template: unknown): { valid: boolean; errors: unknown[] | null; warnings?: unknown[] };
}
