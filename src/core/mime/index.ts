// Public face of the MIME indexer (src/core/mime). Owns nothing but the export list:
// ingest and the IMAP server import from here, not from the individual modules.
export type { Addr, Envelope, MessageIndex, MimeNode, SearchText } from './types.ts';
export { MimeIndexer, indexMessage, MAX_DELIMITER_LINE, MAX_HEADER_BYTES, MAX_HEADER_SECTION, MAX_MIME_DEPTH, MAX_MIME_PARTS, TEXT_BUDGET_BYTES, type MimeIndexerOptions } from './indexer.ts';
export { splitHeaderFields, rawFieldValue, countReceived, type HeaderField, type SplitHeader } from './header-block.ts';
export { decodeEncodedWords } from './encoded-words.ts';
export { decodeBytes, resolveCharset, LEGACY_FALLBACK_CHARSET } from './charset.ts';
export { parseAddressList, formatAddressList, MISSING_MAILBOX, MISSING_DOMAIN } from './address.ts';
export { parseMailDate } from './date.ts';
export { normalizeMessageId } from './message-headers.ts';
export { partFilename } from './part-headers.ts';
export { htmlToText } from './html-text.ts';
export { BODY_TEXT_CAP, HEADER_TEXT_CAP } from './search-text.ts';
