import type { Selectable } from 'kysely';
import { metadataFromJson, toJsonOrNull } from '../json.js';
import { paginate, whereIn, whereTimeRange } from '../paging.js';
import type { FileLinkRecord, FileRecord, Page, PageQuery, TimeRange } from '../records.js';
import type { FileLinksTable, FilesTable } from '../schema.js';
import { Repo } from './base.js';

type FileRow = Omit<Selectable<FilesTable>, 'content'>;

const FILE_COLUMNS = [
  'seq',
  'account_id',
  'id',
  'order_id',
  'refund_id',
  'purpose',
  'file_name',
  'title',
  'type',
  'size',
  'created_at',
] as const;

const toFile = (row: FileRow): FileRecord => ({
  accountId: row.account_id,
  id: row.id,
  orderId: row.order_id,
  refundId: row.refund_id,
  purpose: row.purpose,
  fileName: row.file_name,
  title: row.title,
  type: row.type,
  size: Number(row.size),
  createdAt: Number(row.created_at),
});

const toLink = (row: Selectable<FileLinksTable>): FileLinkRecord => ({
  accountId: row.account_id,
  id: row.id,
  fileId: row.file_id,
  expiresAt: Number(row.expires_at),
  metadata: metadataFromJson(row.metadata),
  createdAt: Number(row.created_at),
});

export interface FileFilters {
  ids?: readonly string[] | undefined;
  purpose?: string | undefined;
  fileName?: string | undefined;
  title?: string | undefined;
  type?: string | undefined;
  size?: { gt?: number; gte?: number; lt?: number; lte?: number } | undefined;
  createdTime?: TimeRange | undefined;
}

export interface FileLinkFilters {
  ids?: readonly string[] | undefined;
  fileId?: string | undefined;
  /** whether the link has expired by `now` */
  expired?: { value: boolean; now: number } | undefined;
  createdTime?: TimeRange | undefined;
}

/** Files and their links. The PDF bytes are read only by `content`. */
export class FilesRepo extends Repo {
  async insert(file: FileRecord, content: Buffer): Promise<void> {
    await this.db
      .insertInto('files')
      .values({
        account_id: file.accountId,
        id: file.id,
        order_id: file.orderId,
        refund_id: file.refundId,
        purpose: file.purpose,
        file_name: file.fileName,
        title: file.title,
        type: file.type,
        size: file.size,
        content: content.toString('base64'),
        created_at: file.createdAt,
      })
      .execute();
  }

  async get(accountId: string, id: string): Promise<FileRecord | undefined> {
    const row = await this.db
      .selectFrom('files')
      .select(FILE_COLUMNS)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toFile(row) : undefined;
  }

  async content(accountId: string, id: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('files')
      .select('content')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? Buffer.from(row.content, 'base64') : undefined;
  }

  async delete(accountId: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('file_links')
      .where('account_id', '=', accountId)
      .where('file_id', '=', id)
      .execute();
    await this.db.deleteFrom('files').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async list(accountId: string, filters: FileFilters, page: PageQuery): Promise<Page<FileRecord>> {
    let q = this.db.selectFrom('files').select(FILE_COLUMNS).where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.purpose !== undefined) q = q.where('purpose', '=', filters.purpose);
    if (filters.fileName !== undefined) q = q.where('file_name', '=', filters.fileName);
    if (filters.title !== undefined) q = q.where('title', '=', filters.title);
    if (filters.type !== undefined) q = q.where('type', '=', filters.type);
    const size = filters.size;
    if (size?.gt !== undefined) q = q.where('size', '>', size.gt);
    if (size?.gte !== undefined) q = q.where('size', '>=', size.gte);
    if (size?.lt !== undefined) q = q.where('size', '<', size.lt);
    if (size?.lte !== undefined) q = q.where('size', '<=', size.lte);
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<FileRow & { seq: number }>(q, page, (id) =>
      this.seqOf('files', accountId, id),
    );
    return { data: result.data.map(toFile), hasMore: result.hasMore };
  }

  async insertLink(link: FileLinkRecord): Promise<void> {
    await this.db
      .insertInto('file_links')
      .values({
        account_id: link.accountId,
        id: link.id,
        file_id: link.fileId,
        expires_at: link.expiresAt,
        metadata: toJsonOrNull(link.metadata),
        created_at: link.createdAt,
      })
      .execute();
  }

  async updateLink(link: FileLinkRecord): Promise<void> {
    await this.db
      .updateTable('file_links')
      .set({ expires_at: link.expiresAt, metadata: toJsonOrNull(link.metadata) })
      .where('account_id', '=', link.accountId)
      .where('id', '=', link.id)
      .execute();
  }

  async getLink(accountId: string, id: string): Promise<FileLinkRecord | undefined> {
    const row = await this.db
      .selectFrom('file_links')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toLink(row) : undefined;
  }

  /** A link by its id alone: the public download, which has no API key. */
  async findLink(id: string): Promise<FileLinkRecord | undefined> {
    const row = await this.db.selectFrom('file_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLink(row) : undefined;
  }

  async deleteLink(accountId: string, id: string): Promise<void> {
    await this.db.deleteFrom('file_links').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async linksOf(accountId: string, fileIds: readonly string[]): Promise<Map<string, FileLinkRecord[]>> {
    const byFile = new Map<string, FileLinkRecord[]>();
    if (fileIds.length === 0) return byFile;
    const rows = await this.db
      .selectFrom('file_links')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('file_id', 'in', [...new Set(fileIds)])
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      const list = byFile.get(row.file_id) ?? [];
      list.push(toLink(row));
      byFile.set(row.file_id, list);
    }
    return byFile;
  }

  async listLinks(
    accountId: string,
    filters: FileLinkFilters,
    page: PageQuery,
  ): Promise<Page<FileLinkRecord>> {
    let q = this.db.selectFrom('file_links').selectAll().where('account_id', '=', accountId);
    q = whereIn(q, 'id', filters.ids);
    if (filters.fileId !== undefined) q = q.where('file_id', '=', filters.fileId);
    if (filters.expired) {
      q = q.where('expires_at', filters.expired.value ? '<=' : '>', filters.expired.now);
    }
    q = whereTimeRange(q, 'created_at', filters.createdTime);
    const result = await paginate<Selectable<FileLinksTable>>(q, page, (id) =>
      this.seqOf('file_links', accountId, id),
    );
    return { data: result.data.map(toLink), hasMore: result.hasMore };
  }
}
