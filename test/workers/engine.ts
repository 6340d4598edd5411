// Worker tests through the engine: the embedded engine on a fresh database,
// a zeebe-node client over gRPC, and the fixtures deployed from disk.
import { readFile } from 'node:fs/promises';
import type { ZBClient } from 'zeebe-node';
import { startTestEngine } from '../engine/helpers.ts';

interface Teardown { teardown(fn: () => unknown): void }

export { startTestEngine };

export async function deployFixture(client: ZBClient, name: string): Promise<void> {
  const xml = await readFile(new URL(`./fixtures/${name}`, import.meta.url));
  await client.deployResource({ name, process: xml });
}

/** Stops a family when the test ends. */
export function closeAtEnd(t: Teardown, family: { close(): Promise<void> }): void {
  t.teardown(() => family.close());
}
