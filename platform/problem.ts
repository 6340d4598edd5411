// A refusal a person can act on: an HTTP status, a slug naming what went
// wrong (the problem document's type is urn:shahrdari:problem:<slug>), the
// English detail, the Persian one for citizens, and for invalid input the
// failing fields. Thrown by services and handlers anywhere in the HTTP app
// (api/, the modeler, the sandbox gateway); api/plugins/app/problems.ts
// turns it into an RFC 9457 problem document.

export interface FieldError { path: string; message: string; messageFa: string }

export class ApiProblem extends Error {
  readonly statusCode: number;
  readonly slug: string;
  readonly detailFa: string;
  readonly errors?: FieldError[];
  constructor(statusCode: number, slug: string, detail: string, detailFa: string, errors?: FieldError[]) {
    super(detail);
    this.statusCode = statusCode;
    this.slug = slug;
    this.detailFa = detailFa;
    this.errors = errors;
  }
}

