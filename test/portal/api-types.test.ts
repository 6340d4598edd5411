// The portal's types of the API's answers are generated from the API's own
// OpenAPI document (npm run api-types); this regenerates them and fails when
// the checked-in file has drifted, so a changed answer shows up as a type
// error in the pages that read it instead of at run time.
import t from 'tap';
import fs from 'node:fs';
import { startTestApi } from '../api/helpers.ts';
import { apiTypesFile, apiTypesSource } from '../../portal/api-types.ts';

t.test('portal/src/shared/api-types.ts is what the API publishes today', async (t) => {
  const api = await startTestApi(t);
  const generated = await apiTypesSource(api.app.swagger());
  t.match(generated, /"\/api\/requests\/\{trackingCode\}": \{/, 'the pages\' routes are in it');
  t.ok(fs.readFileSync(apiTypesFile, 'utf8') === generated, 'the checked-in types match the API; run `npm run api-types` and commit the result');
});
