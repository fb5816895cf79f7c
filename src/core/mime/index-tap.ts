// Owns: the MIME indexer as a blob-writer tap (storage/blob-writers.ts): the module a writer
// thread loads to index a message while it writes it, so the parse runs beside the write, off the
// event loop. `createTap(options)` → write(chunk) for every chunk, end() → the MessageIndex
// (plain data: it crosses back to the main thread by structured clone).
import { MimeIndexer } from './indexer.ts';
import type { MimeIndexerOptions } from './limits.ts';
import type { MessageIndex } from './types.ts';

export function createTap(options?: MimeIndexerOptions): { write(chunk: Buffer): void; end(): MessageIndex } {
  const indexer = new MimeIndexer(options);
  return { write: (c) => indexer.write(c), end: () => indexer.end() };
}

/** Where the tap lives, for the blob store. */
export const INDEX_TAP = new URL(import.meta.url).href;
