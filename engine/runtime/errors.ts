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
