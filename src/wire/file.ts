import type { FileLinkRecord, FileRecord } from '../store/records.js';
import { compact, time, type WireObject } from './common.js';

/** DR's FileLink: `expired` on the account's clock. */
export function fileLinkToWire(link: FileLinkRecord, url: string, nowMs: number): WireObject {
  return compact({
    id: link.id,
    createdTime: time(link.createdAt),
    expired: nowMs >= link.expiresAt,
    expiresTime: time(link.expiresAt),
    fileId: link.fileId,
    liveMode: false,
    metadata: link.metadata,
    url,
  });
}

/** DR's FileObject; `links` only when it has some (files.md). */
export function fileToWire(file: FileRecord, url: string, links: readonly WireObject[]): WireObject {
  return compact({
    id: file.id,
    createdTime: time(file.createdAt),
    fileName: file.fileName,
    links: links.length > 0 ? [...links] : undefined,
    purpose: file.purpose,
    title: file.title,
    size: file.size,
    type: file.type,
    url,
    liveMode: false,
    orderId: file.orderId,
    refundId: file.refundId,
  });
}
