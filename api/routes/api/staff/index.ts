// Staff accounts, for admins: who works where in which role, and withdrawing
// an account (a person leaves, a password leaks). Every change ends the
// account's sessions at once: its tokens stop working on the next request, in
// every API process (api/plugins/app/sessions.ts).
import type { FastifyInstance } from 'fastify';
import { claimsOf, type Role } from '../../../plugins/app/auth.ts';
import { ApiProblem } from '../../../plugins/app/problems.ts';
import { problems } from '../../../schemas/problem.ts';
import { StaffAccount, StaffChange, StaffListQuery, StaffParams } from '../../../schemas/staff.ts';
import { noContent, typed } from '../../../schemas/type-provider.ts';

interface StaffRow {
  id: string; username: string; display_name: string; role_id: Role; district_id: number | null; active: boolean; created_at: Date;
}

const view = (row: StaffRow) => ({
  id: row.id, username: row.username, name: row.display_name, role: row.role_id, districtId: row.district_id, active: row.active, createdAt: row.created_at,
});

const unknownAccount = () => new ApiProblem(404, 'unknown-account', 'There is no such staff account.', 'چنین حسابی پیدا نشد.');

interface Change { active?: boolean; role?: Role; districtId?: number | null }

export default async function staffRoutes(fastify: FastifyInstance) {
  const app = typed(fastify);
  app.get('/', {
    config: { normalise: ['query'] },
    onRequest: app.allow('admin'),
    schema: {
      tags: ['staff'], summary: 'Staff accounts, by username (admins)', security: [{ bearer: [] }],
      querystring: StaffListQuery, response: { 200: { type: 'array', items: StaffAccount }, ...problems(401, 403) },
    },
  }, async (request) => {
    const { districtId, role, active, limit, offset } = request.query;
    const query = app.db<StaffRow>('staff').orderBy('username').limit(limit).offset(offset);
    if (districtId !== undefined) query.where({ district_id: districtId });
    if (role !== undefined) query.where({ role_id: role });
    if (active !== undefined) query.where({ active });
    return (await query).map(view);
  });

  app.patch('/:staffId', {
    onRequest: app.allow('admin'),
    schema: {
      tags: ['staff'], summary: 'Withdraw an account (active: false), give it back, or move it to another role or district (admins); ends its sessions at once',
      security: [{ bearer: [] }], params: StaffParams, body: StaffChange, response: { 200: StaffAccount, ...problems(401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const admin = claimsOf(request);
    const { staffId } = request.params;
    const { active, role, districtId } = request.body;
    if (staffId === admin.sub) {
      // The last admin could otherwise lock everyone out; another admin makes such a change.
      throw new ApiProblem(409, 'own-account', 'Admins do not change their own account here; ask another admin.', 'حساب خودتان را نمی‌توانید اینجا تغییر دهید؛ از مدیر سامانهٔ دیگری بخواهید.');
    }
    if (districtId !== undefined && districtId !== null && !await app.db('districts').where({ id: districtId }).first('id')) {
      throw new ApiProblem(422, 'unknown-district', `There is no district ${districtId}.`, 'چنین منطقه‌ای وجود ندارد.',
        [{ path: '/body/districtId', message: 'must be a district', messageFa: 'چنین منطقه‌ای وجود ندارد.' }]);
    }
    const changes = {
      ...(active !== undefined ? { active } : {}), ...(role !== undefined ? { role_id: role } : {}), ...(districtId !== undefined ? { district_id: districtId } : {}),
    };
    // The migration's trigger moves the session epoch with any of these.
    const [row] = await app.db<StaffRow>('staff').where({ id: staffId }).update(changes).returning('*');
    if (!row) throw unknownAccount();
    app.sessions.forget(`staff:${staffId}`);
    request.log.info({ staffId, username: row.username, changes, by: claimsOf(request).sub }, 'staff account changed; its sessions ended');
    return view(row);
  });

  app.delete('/:staffId/sessions', {
    onRequest: app.allow('admin'),
    schema: {
      tags: ['staff'], summary: 'Sign a person out everywhere (admins): a lost phone, a shared computer; the account stays',
      security: [{ bearer: [] }], params: StaffParams, response: { 204: { type: 'null' }, ...problems(401, 403, 404) },
    },
  }, async (request, reply) => {
    if (!await app.sessions.endSessions('staff', request.params.staffId)) throw unknownAccount();
    request.log.info({ staffId: request.params.staffId, by: claimsOf(request).sub }, 'staff sessions ended by an admin');
    return noContent(reply);
  });
}
