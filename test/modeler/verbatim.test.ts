// Saved is what was written: through the whole API (its input gate
// included), a diagram and a form an analyst authored come back byte for
// byte — Persian digits, Arabic letters, ZWNJ and all — while the routes that
// take what citizens type still fold it to one spelling.
import t from 'tap';
import { reviewDiagram, reviewForm } from './fixtures.ts';
import { signInStaff, startTestApi } from '../api/helpers.ts';

t.test('a diagram and a form come back exactly as the analyst saved them', async (t) => {
  const api = await startTestApi(t);
  const analyst = await signInStaff(api, 'maryam', 'analyst', null);
  const id = 'tree-felling-review';
  // Persian and Arabic-Indic digits, Arabic ي and ك, ZWNJ, a comment in both scripts.
  const documentation = 'رأی کمیسیون ماده ۷ حفظ و گسترش فضای سبز؛ بند ٣ — كميسيون ي‌ک';
  const xml = reviewDiagram(id, { name: 'مجوز قطع درخت (ماده ۷)' })
    .replace('<bpmn:startEvent id="Start_Requested"', `<bpmn:documentation>${documentation}</bpmn:documentation>\n    <bpmn:startEvent id="Start_Requested"`);
  const saved = await api.app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml, comment: 'ماده ۷ به‌جای ماده 7' } });
  t.equal(saved.statusCode, 201, saved.body);
  t.equal(saved.json().version.comment, 'ماده ۷ به‌جای ماده 7', 'the comment too');

  const opened = (await api.app.inject({ url: `/api/processes/${id}` })).json();
  t.ok(Buffer.from(opened.xml).equals(Buffer.from(xml)), 'the XML, byte for byte');
  t.match(opened.xml, 'ماده ۷ حفظ', 'documentation «ماده ۷» comes back as «ماده ۷»');
  t.equal((await api.db('process_versions').where({ process_id: id }).first()).xml, xml, 'and is stored so');

  const formId = 'tree-felling-findings';
  const schema = reviewForm(formId, 'یافته‌های بازدید (بند ۲ ماده ۷، كاج و ي)');
  t.equal((await api.app.inject({ method: 'PUT', url: `/api/processes/forms/${formId}`, headers: analyst, payload: { schema } })).statusCode, 201);
  const form = (await api.app.inject({ url: `/api/processes/forms/${formId}` })).json();
  t.ok(Buffer.from(form.schema).equals(Buffer.from(schema)), 'the form, byte for byte');

  // A citizen's mobile in Persian digits is still folded where a route asks for it.
  const agent = await signInStaff(api, 'reza', 'agent-137', null);
  const search = await api.app.inject({ url: '/api/citizens?mobile=۰۹۱۲۱۲۳۴۵۶۷', headers: agent });
  t.equal(search.statusCode, 200, search.body);
});
