// Documents attached to a request: only PDF, JPEG and PNG whose bytes say
// what their type claims, kept in PostgreSQL with a SHA-256, each upload and
// removal on the request's timeline. (The 10 MB limit is the upload's,
// api/plugins/external/multipart.ts.)
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { clockNow } from '../../platform/clock.ts';
import { ApiProblem } from '../../platform/problem.ts';
import { documentKindName, extraDocumentKinds } from '../../processes/catalogue/documents.ts';

/** Accepted types and the first bytes each file of that type starts with. */
export const acceptedTypes: Record<string, Buffer> = {
  'application/pdf': Buffer.from('%PDF-'),
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};

/** Kinds any request may carry besides the catalogue's required documents. */
export const extraKinds = Object.keys(extraDocumentKinds);

export interface DocumentRow {
  id: string; request_id: string; kind: string; filename: string; content_type: string; size: number; sha256: string; created_at: Date;
}

export const documentView = (row: DocumentRow) => ({
  id: row.id, kind: row.kind, filename: row.filename, contentType: row.content_type, size: row.size, sha256: row.sha256, createdAt: row.created_at,
});

export function createDocumentService(db: Knex) {
  return {
    async add(input: { requestId: string; kind: string; filename: string; contentType: string; content: Buffer; uploadedBy: string }): Promise<DocumentRow> {
      const magic = acceptedTypes[input.contentType];
      if (!magic) {
        throw new ApiProblem(415, 'file-type', `Only PDF, JPEG and PNG are accepted, not ${input.contentType}.`, 'فقط پرونده‌های PDF، JPEG و PNG پذیرفته می‌شوند.');
      }
      if (!input.content.subarray(0, magic.length).equals(magic)) {
        throw new ApiProblem(415, 'file-content', `The file is not a ${input.contentType}.`, 'محتوای پرونده با نوع آن یکی نیست.');
      }
      if (input.content.length === 0) throw new ApiProblem(400, 'file-empty', 'The file is empty.', 'پرونده خالی است.');
      return db.transaction(async (trx) => {
        const [row] = await trx<DocumentRow>('documents').insert({
          request_id: input.requestId,
          kind: input.kind,
          // By characters, not UTF-16 units, so a cut never leaves half a surrogate pair.
          filename: Array.from(input.filename).slice(0, 200).join(''),
          content_type: input.contentType,
          size: input.content.length,
          sha256: createHash('sha256').update(input.content).digest('hex'),
          content: input.content,
          uploaded_by: input.uploadedBy,
        } as never).returning(['id', 'request_id', 'kind', 'filename', 'content_type', 'size', 'sha256', 'created_at']);
        const document = row as DocumentRow;
        await trx('request_events').insert({
          request_id: input.requestId, kind: 'document-added', dedupe_key: `document:${document.id}:added`,
          data: { documentId: document.id, kind: document.kind, titleFa: `مدرک «${documentKindName(document.kind)}» بارگذاری شد` },
        });
        return document;
      });
    },

    /** A citizen takes back a wrong upload: kept for the record, no longer listed; false when there is no such document of theirs. */
    async remove(requestId: string, documentId: string, removedBy: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const [row] = await trx('documents').where({ request_id: requestId, id: documentId, uploaded_by: removedBy }).whereNull('removed_at')
          .update({ removed_at: clockNow(trx), removed_by: removedBy }).returning(['id', 'kind']);
        if (!row) return false;
        await trx('request_events').insert({
          request_id: requestId, kind: 'document-removed', dedupe_key: `document:${row.id}:removed`,
          data: { documentId: row.id, kind: row.kind, titleFa: `مدرک «${documentKindName(row.kind)}» حذف شد` },
        });
        return true;
      });
    },

    async list(requestId: string): Promise<DocumentRow[]> {
      return db<DocumentRow>('documents').where({ request_id: requestId }).whereNull('removed_at').orderBy('created_at')
        .select('id', 'request_id', 'kind', 'filename', 'content_type', 'size', 'sha256', 'created_at');
    },

    async content(requestId: string, documentId: string): Promise<(DocumentRow & { content: Buffer }) | undefined> {
      return db('documents').where({ request_id: requestId, id: documentId }).whereNull('removed_at').first();
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
