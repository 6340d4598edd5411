// What the job workers (issue 5) keep beyond the first schema: district
// offices with counters, opening hours and slot capacity for appointments;
// the holiday table on the Persian calendar for SLA working days; inspection
// visits for fair assignment; issued certificates with their verification
// codes; and the sandbox bank gateway's own transactions.
import type { Knex } from 'knex';

/**
 * Weekly opening hours of every office, Tehran wall-clock time. JavaScript
 * weekday numbers: 6 = Saturday ... 3 = Wednesday full days, 4 = Thursday half
 * day, 5 = Friday closed (no row).
 */
const weeklyHours = [
  ...[6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens_at: '07:30', closes_at: '14:30' })),
  { weekday: 4, opens_at: '07:30', closes_at: '12:00' },
];

/**
 * Official holidays of 1405 (solar fixed ones plus the lunar ones as announced);
 * an administrator keeps this table current every year.
 */
const holidays1405: Array<{ day: string; jalali: string; name_fa: string }> = [
  { day: '2026-03-21', jalali: '1405-01-01', name_fa: 'عید نوروز' },
  { day: '2026-03-22', jalali: '1405-01-02', name_fa: 'عید نوروز' },
  { day: '2026-03-23', jalali: '1405-01-03', name_fa: 'عید نوروز' },
  { day: '2026-03-24', jalali: '1405-01-04', name_fa: 'عید نوروز' },
  { day: '2026-04-01', jalali: '1405-01-12', name_fa: 'روز جمهوری اسلامی' },
  { day: '2026-04-02', jalali: '1405-01-13', name_fa: 'روز طبیعت' },
  { day: '2026-06-04', jalali: '1405-03-14', name_fa: 'رحلت امام خمینی' },
  { day: '2026-06-05', jalali: '1405-03-15', name_fa: 'قیام ۱۵ خرداد' },
  { day: '2027-02-10', jalali: '1405-11-22', name_fa: 'پیروزی انقلاب اسلامی' },
  { day: '2027-03-20', jalali: '1405-12-29', name_fa: 'ملی شدن صنعت نفت' },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('offices', (table) => {
    table.comment('District offices that receive citizens in person (the in-person channel).');
    table.increments('id').comment('Office id.');
    table.integer('district_id').notNullable().unique().references('districts.id').comment('District the office serves; one office per district for now.');
    table.text('name_fa').notNullable().comment('Persian name shown in appointment messages.');
    table.text('address_fa').comment('Street address, Persian.');
    table.integer('slot_minutes').notNullable().defaultTo(20).comment('Length of one appointment slot.');
    table.check('slot_minutes between 5 and 240', [], 'offices_slot_length');
  });

  await knex.schema.createTable('office_counters', (table) => {
    table.comment('Service counters of an office; each open counter serves one citizen per slot, so their number is the slot capacity.');
    table.increments('id').comment('Counter id.');
    table.integer('office_id').notNullable().references('offices.id').onDelete('CASCADE').comment('The office.');
    table.integer('number').notNullable().comment('Counter number shown to the citizen.');
    table.boolean('active').notNullable().defaultTo(true).comment('Whether the counter takes appointments.');
    table.unique(['office_id', 'number']);
  });

  await knex.schema.createTable('office_hours', (table) => {
    table.comment('Weekly opening hours per office (Tehran time); a weekday with no row is closed.');
    table.integer('office_id').notNullable().references('offices.id').onDelete('CASCADE').comment('The office.');
    table.smallint('weekday').notNullable().comment('JavaScript weekday: 0 Sunday ... 6 Saturday.');
    table.time('opens_at').notNullable().comment('First slot starts.');
    table.time('closes_at').notNullable().comment('Last slot ends by then.');
    table.primary(['office_id', 'weekday']);
    table.check('weekday between 0 and 6', [], 'office_hours_weekday');
    table.check('opens_at < closes_at', [], 'office_hours_order');
  });

  await knex.schema.createTable('holidays', (table) => {
    table.comment('Official holidays on the Persian calendar; lunar ones move every year, so an administrator keeps the list. SLA due dates and appointments skip them.');
    table.date('day').primary().comment('Gregorian date of the holiday (Tehran).');
    table.string('jalali', 10).notNullable().comment('The same day as YYYY-MM-DD on the Persian calendar, for people.');
    table.text('name_fa').notNullable().comment('What the holiday is.');
  });

  await knex.schema.alterTable('appointments', (table) => {
    table.integer('office_id').references('offices.id').comment('Office where the citizen is received (added by the workers migration).');
    table.integer('counter_number').comment('Counter the slot was booked at.');
    table.timestamp('reminded_at', { useTz: true }).comment('When the day-before reminder was queued.');
  });
  // Capacity is enforced by the counter: two live bookings never hold the same counter at the same time.
  await knex.raw(`CREATE UNIQUE INDEX appointments_counter_slot ON appointments (office_id, counter_number, starts_at) WHERE status IN ('booked', 'attended')`);

  await knex.schema.createTable('inspection_visits', (table) => {
    table.comment('Field inspections: who visits which request; open visits count against an inspector when assigning fairly.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Visit id.');
    table.uuid('request_id').notNullable().references('requests.id').comment('The request inspected.');
    table.integer('district_id').notNullable().references('districts.id').comment('District of the request and inspector.');
    table.uuid('inspector_id').notNullable().references('staff.id').comment('Assigned inspector.');
    table.text('business_key').notNullable().unique().comment('One assignment per process element instance: a re-delivered job never assigns twice.');
    table.text('status').notNullable().defaultTo('open').comment('open, done, cancelled.');
    table.text('result').comment('pass or fail once done.');
    table.text('notes').comment('Findings.');
    table.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Assigned; the oldest last assignment goes next (round-robin).');
    table.timestamp('done_at', { useTz: true }).comment('Findings recorded.');
    table.check("status in ('open', 'done', 'cancelled')", [], 'inspection_visits_status');
    table.index(['inspector_id', 'status']);
  });

  await knex.schema.createTable('certificates', (table) => {
    table.comment('Permits and certificates issued at the end of a service; anyone can check one by its verification code.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Certificate id.');
    table.uuid('request_id').notNullable().references('requests.id').comment('The request it concludes.');
    table.text('business_key').notNullable().unique().comment('One certificate per process element instance.');
    table.text('service_id').notNullable().comment('Catalogue service it was issued for.');
    table.integer('district_id').notNullable().references('districts.id').comment('Issuing district.');
    table.integer('jalali_year').notNullable().comment('Persian calendar year of issue; numbers restart each year.');
    table.integer('serial').notNullable().comment('Running number within district and year.');
    table.text('number').notNullable().unique().comment('Printed number, e.g. 12-1405-000007.');
    table.text('verification_code').notNullable().unique().comment('Random code in the QR; the public verify endpoint looks it up.');
    table.text('holder_name').comment('Name of the citizen on the certificate.');
    table.string('holder_national_code', 10).comment('National code of the holder (shown masked when verified).');
    table.binary('pdf').notNullable().comment('The issued PDF.');
    table.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Issued.');
    table.timestamp('revoked_at', { useTz: true }).comment('Set when revoked; verification then says so.');
    table.unique(['district_id', 'jalali_year', 'serial']);
  });

  await knex.schema.createTable('sandbox_gateway_transactions', (table) => {
    table.comment('Book of the sandbox bank gateway: what a Shaparak gateway would keep on its side. Used in development and tests only.');
    table.text('token').primary().comment('Token handed to the merchant.');
    table.text('order_id').notNullable().unique().comment('Merchant order id (our payment id).');
    table.bigInteger('amount').notNullable().comment('Rials.');
    table.text('callback_url').notNullable().comment('Where the citizen is sent back.');
    table.text('status').notNullable().defaultTo('created').comment('created, paid, cancelled, verified, reversed.');
    table.text('reference').comment('Retrieval reference number given on payment.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Token issued.');
    table.check('amount > 0', [], 'sandbox_gateway_amount_positive');
  });

  await knex.schema.alterTable('payments', (table) => {
    table.timestamp('reversed_at', { useTz: true }).comment('Refunded after a cancellation (added by the workers migration).');
    table.text('failure_reason').comment('Why verification failed or the citizen cancelled.');
  });

  // Every district gets an office with two counters and the standard week.
  const districtIds = (await knex('districts').select('id')).map((row: { id: number }) => row.id);
  for (const districtId of districtIds) {
    const [office] = await knex('offices')
      .insert({ district_id: districtId, name_fa: `دفتر خدمات الکترونیک منطقه ${districtId.toLocaleString('fa-IR')}` })
      .returning('id');
    const officeId = (office as { id: number }).id;
    await knex('office_counters').insert([1, 2].map((number) => ({ office_id: officeId, number })));
    await knex('office_hours').insert(weeklyHours.map((hours) => ({ office_id: officeId, ...hours })));
  }
  await knex('holidays').insert(holidays1405);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (table) => {
    table.dropColumn('reversed_at');
    table.dropColumn('failure_reason');
  });
  await knex.schema.dropTable('sandbox_gateway_transactions');
  await knex.schema.dropTable('certificates');
  await knex.schema.dropTable('inspection_visits');
  await knex.raw('DROP INDEX appointments_counter_slot');
  await knex.schema.alterTable('appointments', (table) => {
    table.dropColumn('office_id');
    table.dropColumn('counter_number');
    table.dropColumn('reminded_at');
  });
  await knex.schema.dropTable('holidays');
  await knex.schema.dropTable('office_hours');
  await knex.schema.dropTable('office_counters');
  await knex.schema.dropTable('offices');
}
