// An API client sends '' for a box its citizen left empty, as form-js does:
// the start form's schema takes it as no answer to an optional field (a
// postal code), refuses it for a required one, and still names the field of
// a wrong non-empty value.
import t from 'tap';
import { signInCitizen, startTestApi } from './helpers.ts';
import { deployStandIn, treePruningForm } from './fixtures.ts';

t.test('empty answers to a start form', async (t) => {
  const api = await startTestApi(t);
  await deployStandIn(api.zeebe, 'tree-pruning');
  const zahra = await signInCitizen(api, '0013542419', '09121234567');
  const submit = (form: Record<string, unknown>) => api.app.inject({
    method: 'POST', url: '/api/requests', headers: zahra, payload: { serviceId: 'tree-pruning', districtId: 12, form },
  });
  const refusedAt = (body: { errors?: Array<{ path: string }> }) => [...new Set((body.errors ?? []).map((error) => error.path))];

  await t.test('given an empty optional postal code and description, when filed, then the request is taken', async (t) => {
    const response = await submit({ ...treePruningForm, postalCode: '', description: '' });
    t.equal(response.statusCode, 201, response.body);
  });

  await t.test('given a wrong postal code, then 400 names the field in Persian', async (t) => {
    const response = await submit({ ...treePruningForm, postalCode: '12345' });
    t.equal(response.statusCode, 400, response.body);
    t.same(refusedAt(response.json()), ['/body/form/postalCode']);
    t.ok(response.json().errors.every((error: { messageFa?: string }) => error.messageFa), 'each error says what is wrong in Persian');
    t.same(response.json().errors.map((error: { messageFa: string }) => error.messageFa), ['کد پستی باید ده رقم باشد و با صفر شروع نشود.'],
      'one error, in the postal code\'s own terms');
  });

  await t.test('given \'\' for a required field, then 400 names it', async (t) => {
    const response = await submit({ ...treePruningForm, citizenName: '' });
    t.equal(response.statusCode, 400, response.body);
    t.same(refusedAt(response.json()), ['/body/form/citizenName']);
    t.ok(response.json().errors.some((error: { messageFa: string }) => error.messageFa === 'این مورد را باید پر کنید.'), 'read as missing');
  });
});
