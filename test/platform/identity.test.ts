import t from 'tap';
import { parseMobile, parseNationalCode, parsePostalCode } from '../../platform/identity.ts';

t.test('national codes are checked by their check digit', async (t) => {
  for (const code of ['0013542419', '3974017844', '7730942860', '4721016352']) t.equal(parseNationalCode(code), code, `${code} passes`);
  for (const code of ['1234567890', '1111111111', '0013542418', '12345', 'abcdefghij', '0000000000']) t.equal(parseNationalCode(code), null, `${code} fails`);
  t.equal(parseNationalCode('۰۰۱۳۵۴۲۴۱۹'), '0013542419', 'Persian digits are accepted');
  t.equal(parseNationalCode('٣٩٧٤٠١٧٨٤٤'), '3974017844', 'Arabic-Indic digits are accepted');
  t.equal(parseNationalCode('013-542419-'.replace(/-$/, '')), '0013542419', 'a 9-digit code with a dash is padded');
});

t.test('mobiles are stored as 09XXXXXXXXX', async (t) => {
  for (const input of ['09121234567', '+989121234567', '00989121234567', '9121234567', '۰۹۱۲ ۱۲۳ ۴۵۶۷']) t.equal(parseMobile(input), '09121234567', input);
  for (const input of ['0812345678', '091212345678', '02112345678', '']) t.equal(parseMobile(input), null, `${input} is refused`);
});

t.test('postal codes are ten digits not starting with zero', async (t) => {
  t.equal(parsePostalCode('91375-43210'), '9137543210');
  t.equal(parsePostalCode('۹۱۳۷۵۴۳۲۱۰'), '9137543210');
  t.equal(parsePostalCode('0137543210'), null);
  t.equal(parsePostalCode('913754321'), null);
});
