import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import type { Deps } from '../../services/context.js';
import { now } from '../../services/context.js';
import {
  createFileLink,
  deleteFile,
  deleteFileLink,
  fileContent,
  fileUrl,
  getFile,
  getFileLink,
  linkUrl,
  listFileLinks,
  listFiles,
  openLink,
  updateFileLink,
} from '../../services/documents.js';
import type { FileRecord } from '../../store/records.js';
import { fileLinkToWire, fileToWire } from '../../wire/file.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import {
  closed,
  Id,
  IdParams,
  listQuery,
  Metadata as MetadataSchema,
  partial,
  Str,
  timeQuery,
} from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/** DR's listFiles filters; `size` as a range (size[gte]=…), as DR's object-typed parameter. */
export const FileListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  purpose: Type.Optional(Str(60)),
  fileName: Type.Optional(Str()),
  title: Type.Optional(Str()),
  type: Type.Optional(Str(20)),
  size: Type.Optional(Str(20)),
  'size[gt]': Type.Optional(Str(20)),
  'size[gte]': Type.Optional(Str(20)),
  'size[lt]': Type.Optional(Str(20)),
  'size[lte]': Type.Optional(Str(20)),
});

export const FileLinkListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  fileId: Type.Optional(Str()),
  expired: Type.Optional(Type.Boolean()),
});

/** DR's FileLinkRequest (and the metadata DR's file-links page allows). */
export const FileLinkCreate = closed({
  fileId: Id,
  expiresTime: Str(40),
  metadata: Type.Optional(MetadataSchema),
});
export const FileLinkUpdate = partial({ expiresTime: Str(40), metadata: MetadataSchema });

function sizeRange(query: Record<string, unknown>) {
  const range: { gt?: number; gte?: number; lt?: number; lte?: number } = {};
  let any = false;
  for (const [suffix, key] of [
    ['gte', 'size'],
    ['gt', 'size[gt]'],
    ['gte', 'size[gte]'],
    ['lt', 'size[lt]'],
    ['lte', 'size[lte]'],
  ] as const) {
    const value = query[key];
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw invalidParameter(key, `'${key}' must be a whole number of bytes.`);
    range[suffix] = n;
    if (key === 'size') range.lte = n;
    any = true;
  }
  return any ? range : undefined;
}

function sendPdf(reply: FastifyReply, file: FileRecord, content: Buffer) {
  reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${file.fileName}"`)
    .header('content-length', content.length);
  return reply.send(content);
}

export function fileRoutes(app: TypedApp, deps: Deps): void {
  const linkWire = (request: Parameters<typeof callerOf>[0]) => {
    const at = now(deps, callerOf(request));
    return (link: Parameters<typeof fileLinkToWire>[0]) => fileLinkToWire(link, linkUrl(deps, link.id), at);
  };

  app.get('/files', { schema: { querystring: FileListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listFiles(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        purpose: query['purpose'] as string | undefined,
        fileName: query['fileName'] as string | undefined,
        title: query['title'] as string | undefined,
        type: query['type'] as string | undefined,
        size: sizeRange(query),
        createdTime: timeRangeOf(query, 'createdTime'),
      },
      pageOf(query),
    );
    const toLink = linkWire(request);
    return {
      hasMore: page.hasMore,
      data: page.data.map((v) => fileToWire(v.file, fileUrl(deps, v.file.id), v.links.map(toLink))),
    };
  });

  app.get('/files/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const view = await getFile(deps, callerOf(request), id);
    return fileToWire(view.file, fileUrl(deps, id), view.links.map(linkWire(request)));
  });

  app.get('/files/:id/content', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    const { file, content } = await fileContent(deps, callerOf(request), id);
    return sendPdf(reply, file, content);
  });

  app.delete('/files/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteFile(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.post('/file-links', { schema: { body: FileLinkCreate } }, async (request, reply) => {
    const body = request.body;
    const link = await createFileLink(deps, callerOf(request), body);
    reply.status(201);
    return linkWire(request)(link);
  });

  app.get('/file-links/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    return linkWire(request)(await getFileLink(deps, callerOf(request), id));
  });

  app.post('/file-links/:id', { schema: { params: IdParams, body: FileLinkUpdate } }, async (request) => {
    const { id } = request.params;
    const body = request.body;
    return linkWire(request)(await updateFileLink(deps, callerOf(request), id, body));
  });

  app.delete('/file-links/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params;
    await deleteFileLink(deps, callerOf(request), id);
    reply.status(204);
    return;
  });

  app.get('/file-links', { schema: { querystring: FileLinkListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const page = await listFileLinks(
      deps,
      callerOf(request),
      {
        ids: listOf(query, 'ids'),
        fileId: query['fileId'] as string | undefined,
        expired: query['expired'] as boolean | undefined,
        createdTime: timeRangeOf(query, 'createdTime'),
      },
      pageOf(query),
    );
    return { hasMore: page.hasMore, data: page.data.map(linkWire(request)) };
  });

  // the public URL of a file link: no key (that is what a link is for)
  app.get(
    '/links/:id',
    { schema: { params: IdParams }, config: { auth: 'none' } },
    async (request, reply) => {
      const { id } = request.params;
      const { file, content } = await openLink(deps, id);
      return sendPdf(reply, file, content);
    },
  );
}
