// Publishing a message exactly once. The message id makes Zeebe refuse a
// second publish within the TTL (ALREADY_EXISTS); for us that means "already
// told", so it is success. Shared by the API (a citizen's repeated cancel)
// and the workers.
import type { ZBClient } from 'zeebe-node';

/** gRPC status ALREADY_EXISTS. */
const alreadyExists = 6;

export async function publishOnce(
  zeebe: Pick<ZBClient, 'publishMessage'>,
  message: { name: string; correlationKey: string; messageId: string; timeToLive: number; variables: Record<string, unknown> },
): Promise<void> {
  try {
    await zeebe.publishMessage(message as Parameters<ZBClient['publishMessage']>[0]);
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === alreadyExists || /ALREADY_EXISTS/.test((error as Error).message)) return;
    throw error;
  }
}
