// The saved versions of each diagram (table process_versions). Versions are
// only ever added; a deployment is recorded on the version that was deployed.
import type { Knex } from 'knex';

export interface ProcessVersion {
  id: string;
  processId: string;
  version: number;
  /** The process element's name in this version. */
  name: string | null;
  xml: string;
  author: string;
  comment: string | null;
  savedAt: Date;
  deployedAt: Date | null;
  deployedBy: string | null;
  /** What the analyst said when confirming the deployment. */
  deployComment: string | null;
  processDefinitionKey: string | null;
  engineVersion: number | null;
}

export type ProcessVersionSummary = Omit<ProcessVersion, 'xml'>;

interface Row {
  id: string; process_id: string; version: number; name: string | null; xml: string; author: string; comment: string | null;
  saved_at: Date; deployed_at: Date | null; deployed_by: string | null; deploy_comment: string | null;
  process_definition_key: string | null; engine_version: number | null;
}

const summaryColumns = [
  'id', 'process_id', 'version', 'name', 'author', 'comment', 'saved_at', 'deployed_at', 'deployed_by', 'deploy_comment', 'process_definition_key', 'engine_version',
];

function fromRow(row: Row): ProcessVersion {
  return {
    id: String(row.id),
    processId: row.process_id,
    version: row.version,
    name: row.name,
    xml: row.xml,
    author: row.author,
    comment: row.comment,
    savedAt: row.saved_at,
    deployedAt: row.deployed_at,
    deployedBy: row.deployed_by,
    deployComment: row.deploy_comment,
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
  input: { processId: string; name?: string | null; xml: string; author: string; comment?: string | null },
): Promise<ProcessVersionSummary> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`process_versions:${input.processId}`]);
    const latest = await trx('process_versions').where({ process_id: input.processId }).max<{ max: number | null }>('version as max').first();
    const [row] = await trx('process_versions')
      .insert({
        process_id: input.processId,
        version: (latest?.max ?? 0) + 1,
        name: input.name ?? null,
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

export interface SavedProcess { version: number; name: string | null; deployedVersion: number | null }

/** The processes with at least one saved version: latest version and its name, and the newest deployed version. */
export async function savedProcesses(db: Knex): Promise<Map<string, SavedProcess>> {
  const { rows } = await db.raw<{ rows: Array<{ process_id: string; version: number; name: string | null; deployed: number | null }> }>(`
    select distinct on (process_id) process_id, version, name,
      max(version) filter (where deployed_at is not null) over (partition by process_id) as deployed
    from process_versions
    order by process_id, version desc`);
  return new Map(rows.map((row) => [row.process_id, { version: row.version, name: row.name, deployedVersion: row.deployed }]));
}

/**
 * The version the engine runs for new requests: the one deployed last (a
 * re-deployed older version counts); with `before`, the one that ran then.
 */
export async function runningVersion(db: Knex, processId: string, before?: Date): Promise<ProcessVersion | undefined> {
  const query = db('process_versions').where({ process_id: processId }).whereNotNull('deployed_at');
  if (before) query.andWhere('deployed_at', '<', before);
  const row = await query.orderBy('deployed_at', 'desc').orderBy('version', 'desc').first() as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** Marks `version` as the one now deployed, by whom and with what comment. A re-deploy of the same version updates the record. */
export async function recordDeployment(
  db: Knex,
  input: { processId: string; version: number; deployedBy: string; comment?: string | null; processDefinitionKey: string; engineVersion: number },
): Promise<ProcessVersionSummary> {
  const [row] = await db('process_versions')
    .where({ process_id: input.processId, version: input.version })
    .update({
      deployed_at: db.fn.now(), // wall clock: when the engine got it, a deployment record
      deployed_by: input.deployedBy,
      deploy_comment: input.comment ?? null,
      process_definition_key: input.processDefinitionKey,
      engine_version: input.engineVersion,
    })
    .returning(summaryColumns);
  return summaryFromRow(row as Omit<Row, 'xml'>);
}

/** Processes whose deployed version came from the modeler; repository deploys leave them alone. */
export async function analystDeployedProcesses(db: Knex): Promise<Set<string>> {
  const saved = await savedProcesses(db);
  return new Set([...saved].filter(([, process]) => process.deployedVersion !== null).map(([id]) => id));
}
