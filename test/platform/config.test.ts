// Configuration: the public address defaults to the one npm start prints, so
// a bank's return and a scanned QR land on the origin the citizen signed in at.
import t from 'tap';
import { readConfig } from '../../platform/config.ts';

t.test('PUBLIC_URL defaults to http://HOST:PORT, as npm start prints it', async (t) => {
  t.equal(readConfig({}).publicUrl, 'http://127.0.0.1:3000');
  t.equal(readConfig({ PORT: '8080', HOST: 'shahrdari.local' }).publicUrl, 'http://shahrdari.local:8080');
  t.equal(readConfig({ HOST: '0.0.0.0' }).publicUrl, 'http://127.0.0.1:3000', 'every interface: the loopback address fastify prints');
  t.equal(readConfig({ HOST: '::' }).publicUrl, 'http://[::1]:3000');
  t.equal(readConfig({ PUBLIC_URL: 'https://e.mashhad.ir/' }).publicUrl, 'https://e.mashhad.ir', 'a set one wins, without its trailing slash');
});
