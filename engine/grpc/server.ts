// gRPC server for the Zeebe Gateway service (engine/grpc/protocol.ts says
// which protocol version it speaks).
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { gatewayService } from './protocol.ts';

export async function listen(handlers: UntypedServiceImplementation, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = new Server({
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  });
  server.addService(gatewayService(), handlers);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual)));
  });
  return { server, port: bound };
}

