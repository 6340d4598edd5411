// The saved versions of each diagram (table process_versions). Versions are
// only ever added; a deployment is recorded on the version that was deployed.
import type { Knex } from 'knex';

export interface ProcessVersion {
  id: string;
  processId: string;
  version: number;
  xml: string;
  author: string;
  comment: string | null;
  savedAt: Date;
  deployedAt: Date | null;
  deployedBy: string | null;
  processDefinitionKey: string | null;
  engineVersion: number | null;
}

export type ProcessVersionSummary = Omit<ProcessVersion, 'xml'>;

interface Row {
  id: string; process_id: string; version: number; xml: string; author: string; comment: string | null;
  saved_at: Date; deployed_at: Date | null; deployed_by: string | null;
  process_definition_key: string | null; engine_version: number | null;
}

const summaryColumns = ['id', 'process_id', 'version', 'author', 'comment', 'saved_at', 'deployed_at', 'deployed_by', 'process_definition_key', 'engine_version'];

function fromRow(row: Row): ProcessVersion {
  return {
    id: String(row.id),
    processId: row.process_id,
    version: row.version,
    xml: row.xml,
    author: row.author,
    comment: row.comment,
    savedAt: row.saved_at,
    deployedAt: row.deployed_at,
    deployedBy: row.deployed_by,
    processDefinitionKey: row.process_definition_key,
    engineVersion: row.engine_version,
  };
}

function summaryFromRow(row: Omit<Row, 'xml'>): ProcessVersionSummary {
  const { xml: _xml, ...summary } = fromRow({ ...row, xml: '' });
  return summary;
}

/**
 * Adds the next version of `processId`. Numbers are gap-free per process: two
 * analysts saving at once are serialised by a transaction-scoped advisory
 * lock on the process id, so neither save is lost or renumbered.
 */
export async function saveVersion(
  db: Knex,
  input: { processId: string; xml: string; author: string; comment?: string | null },
): Promise<ProcessVersionSummary> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`process_versions:${input.processId}`]);
    const latest = await trx('process_versions').where({ process_id: input.processId }).max<{ max: number | null }>('version as max').first();
    const [row] = await trx('process_versions')
      .insert({
        process_id: input.processId,
        version: (latest?.max ?? 0) + 1,
        xml: input.xml,
        author: input.author,
        comment: input.comment ?? null,
      })
      .returning(summaryColumns);
    return summaryFromRow(row as Omit<Row, 'xml'>);
  });
}

/** Newest version first; without the XML, which can be large. */
export async function listVersions(db: Knex, processId: string): Promise<ProcessVersionSummary[]> {
  const rows = await db('process_versions').where({ process_id: processId }).orderBy('version', 'desc').select(summaryColumns);
  return (rows as Omit<Row, 'xml'>[]).map(summaryFromRow);
}

/** One version, or the latest when `version` is omitted; undefined when none is saved. */
export async function findVersion(db: Knex, processId: string, version?: number): Promise<ProcessVersion | undefined> {
  const query = db('process_versions').where({ process_id: processId });
  if (version !== undefined) query.andWhere({ version });
  const row = await query.orderBy('version', 'desc').first() as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** The processes with at least one saved version, with their latest version number. */
export async function savedProcesses(db: Knex): Promise<Map<string, { version: number; deployedVersion: number | null }>> {
  const rows = await db('process_versions')
    .select('process_id')
    .max<{ process_id: string; version: number; deployed: number | null }[]>({ version: 'version' })
    .select(db.raw('max(version) filter (where deployed_at is not null) as deployed'))
    .groupBy('process_id');
  return new Map(rows.map((row) => [row.process_id, { version: row.version, deployedVersion: row.deployed }]));
}

/** Marks `version` as the one now deployed. A re-deploy of the same version updates the record. */
export async function recordDeployment(
  db: Knex,
  input: { processId: string; version: number; deployedBy: string; processDefinitionKey: string; engineVersion: number },
): Promise<ProcessVersionSummary> {
  const [row] = await db('process_versions')
    .where({ process_id: input.processId, version: input.version })
    .update({
      deployed_at: db.fn.now(),
      deployed_by: input.deployedBy,
      process_definition_key: input.processDefinitionKey,
      engine_version: input.engineVersion,
    })
    .returning(summaryColumns);
  return summaryFromRow(row as Omit<Row, 'xml'>);
}
