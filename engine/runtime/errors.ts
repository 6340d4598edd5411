// Rejections of gateway commands, carrying the gRPC status Zeebe answers with.
import { status } from '@grpc/grpc-js';

export class GatewayError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

export const invalid = (message: string) => new GatewayError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new GatewayError(status.NOT_FOUND, message);
export const failedPrecondition = (message: string) => new GatewayError(status.FAILED_PRECONDITION, message);
export const alreadyExists = (message: string) => new GatewayError(status.ALREADY_EXISTS, message);

/** Parses a request's variables document: a JSON object or empty. */
export function variablesOf(text: string | undefined, what = 'variables'): Record<string, unknown> {
  if (!text || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`Property '${what}' is invalid: Expected document to be valid JSON, but it was invalid: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`Property '${what}' is invalid: Expected document to be a root level object, but was '${Array.isArray(value) ? 'ARRAY' : typeof value}'`);
  }
  return value as Record<string, unknown>;
}
