// Test support: a message as the ingest leaves it for the SMTP stages — its MIME index and its
// header section kept in memory — without a store (the stages' unit tests).
import { MimeIndexer } from '../../core/mime/index.ts';
import type { StoredContent } from '../../core/delivery.ts';

export function ingested(raw: Buffer): StoredContent {
  const ix = new MimeIndexer();
  ix.write(raw);
  const index = ix.end();
  return { sha256: '0'.repeat(64), size: raw.length, index, header: raw.subarray(0, index.headerSize) };
}
