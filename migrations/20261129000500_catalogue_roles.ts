// The catalogue assigns tasks to specialist roles (deputies, crews, the Article
// 77 commission) beside the six the first schema knew; staff need the role to
// hold it. A test keeps this table and the catalogue's role list equal.
import type { Knex } from 'knex';

export const catalogueRoles = [
  { id: 'urban-planning-deputy', name_fa: 'معاون شهرسازی', name_en: 'Urban planning deputy' },
  { id: 'traffic-deputy', name_fa: 'معاون حمل و نقل و ترافیک', name_en: 'Transport and traffic deputy' },
  { id: 'cultural-deputy', name_fa: 'معاون فرهنگی و اجتماعی', name_en: 'Cultural and social deputy' },
  { id: 'services-deputy', name_fa: 'معاون خدمات شهری', name_en: 'Urban services deputy' },
  { id: 'services-crew', name_fa: 'اکیپ خدمات شهری', name_en: 'Urban services crew' },
  { id: 'green-space-crew', name_fa: 'اکیپ فضای سبز', name_en: 'Green space crew' },
  { id: 'civil-works-crew', name_fa: 'اکیپ عمران', name_en: 'Civil works crew' },
  { id: 'urban-planner', name_fa: 'کارشناس شهرسازی', name_en: 'Urban planner' },
  { id: 'traffic-engineer', name_fa: 'کارشناس ترافیک', name_en: 'Traffic engineer' },
  { id: 'social-worker', name_fa: 'مددکار اجتماعی', name_en: 'Social worker' },
  { id: 'public-relations', name_fa: 'واحد ارتباط مردمی', name_en: 'Public relations office' },
  { id: 'finance', name_fa: 'واحد درآمد', name_en: 'Revenue office' },
  { id: 'dues-commission', name_fa: 'کمیسیون ماده ۷۷', name_en: 'Article 77 dues commission' },
];

export async function up(knex: Knex): Promise<void> {
  await knex('roles').insert(catalogueRoles).onConflict('id').ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex('roles').whereIn('id', catalogueRoles.map((role) => role.id)).delete();
}
