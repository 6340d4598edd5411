// tsx bin/open311-client.ts: operators issue, list and revoke the api_keys
// that Open311 GeoReport client applications file requests with
// (POST /open311/v2/requests.json). A key is printed once, when issued; only
// its hash is kept.
import { openKnex, runMain } from '../platform/runtime.ts';

const usage = [
  'usage: tsx bin/open311-client.ts issue <name>   a new client; prints its api_key once',
  '       tsx bin/open311-client.ts list           clients, with the first characters of each key',
  '       tsx bin/open311-client.ts revoke <id>    refuse the client\'s key from now on',
].join('\n');

const [command, argument] = process.argv.slice(2);
const valid = (command === 'issue' && Boolean(argument?.trim())) || command === 'list' || (command === 'revoke' && Boolean(argument));
if (!valid) {
  process.stderr.write(`${usage}\n`);
  process.exit(1);
}

runMain('open311-client', async (runtime) => {
  const { createOpen311ClientService } = await import('../api/plugins/app/open311-clients.ts');
  const clients = createOpen311ClientService(await openKnex(runtime, { migrate: true }));
  if (command === 'issue') {
    const { client, apiKey } = await clients.issue(argument!.trim());
    process.stdout.write(`client ${client.id} (${client.name})\napi_key: ${apiKey}\nThe key is not shown again; give it to the client and keep no copy.\n`);
  } else if (command === 'list') {
    for (const client of await clients.list()) {
      process.stdout.write(`${client.id}  ${client.key_prefix}…  ${client.revoked_at ? 'revoked' : 'live   '}  ${client.name}\n`);
    }
  } else if (!/^[0-9a-f-]{36}$/i.test(argument!) || !await clients.revoke(argument!)) {
    throw new Error(`no live client ${argument}`);
  } else {
    process.stdout.write(`client ${argument} revoked\n`);
  }
});
