// The part of the form-js (Camunda Forms) schema this project writes and reads.

export type ComponentType =
  | 'text'
  | 'textfield'
  | 'number'
  | 'select'
  | 'radio'
  | 'checkbox'
  | 'checklist'
  | 'textarea'
  | 'datetime'
  | 'group';

export interface FormValidate {
  required?: boolean;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  validationType?: 'email' | 'phone';
}

export interface FormComponent {
  id: string;
  type: ComponentType | string;
  key?: string;
  label?: string;
  description?: string;
  text?: string;
  validate?: FormValidate;
  values?: Array<{ label: string; value: string }>;
  /** datetime: 'date' | 'time' | 'datetime'. */
  subtype?: string;
  dateLabel?: string;
  conditional?: { hide?: string };
  /** group: nests its components' keys under `path` when set. */
  path?: string;
  components?: FormComponent[];
  layout?: { row?: string; columns?: number | null };
}

export interface FormDefinition {
  id: string;
  type: 'default';
  schemaVersion: number;
  components: FormComponent[];
  executionPlatform?: string;
  executionPlatformVersion?: string;
  exporter?: { name: string; version: string };
}
