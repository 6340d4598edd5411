// The staff workspace's request list, newest first (requests/visibility.ts
// requestsVisibleTo): a district's requests for its staff, every request for
// city-wide staff and 137 agents. Without these it read and sorted every
// request the district (or the city) ever had to show the newest fifty.
import type { Knex } from 'knex';

const indexes: Array<{ name: string; sql: string }> = [
  { name: 'requests_district_created', sql: 'on requests (district_id, created_at)' },
  { name: 'requests_created', sql: 'on requests (created_at)' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of indexes) await knex.raw(`create index ${index.name} ${index.sql}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of [...indexes].reverse()) await knex.raw(`drop index if exists ${index.name}`);
}
