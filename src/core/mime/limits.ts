// The MIME indexer's resource limits (indexer.ts), so hostile input costs bounded memory,
// time and storage.
// Owns: the limits' values and defaults, and MimeIndexerOptions (the configurable ones).

/** Body lines longer than this are not examined as boundary delimiters. */
export const MAX_DELIMITER_LINE = 4096;
/** Header bytes kept per part for parsing (offsets stay exact beyond it). */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** Decoded bytes of text parts collected for the search text, per message. */
export const TEXT_BUDGET_BYTES = 4 * 1024 * 1024;
/** Decoded bytes of a multipart preamble kept in case the multipart turns out to have no parts. */
export const PREAMBLE_BUDGET_BYTES = 256 * 1024;
/** Default MimeIndexerOptions.maxDepth (Dovecot's message parser: 100 nested MIME levels). */
export const MAX_MIME_DEPTH = 100;
/** Default MimeIndexerOptions.maxParts (Dovecot: 10,000 MIME parts). */
export const MAX_MIME_PARTS = 10_000;
/** Default MimeIndexerOptions.maxHeaderSize: 256 KB, Exchange's limit for the header section. */
export const MAX_HEADER_SECTION = 256 * 1024;

export interface MimeIndexerOptions {
  /**
   * Parts nest at most this many levels below the root (level 0): a multipart or
   * message/rfc822 part at level maxDepth is indexed as a leaf. Default MAX_MIME_DEPTH.
   */
  maxDepth?: number;
  /**
   * Most parts created in all, the root and embedded messages' roots included (not the empty
   * embedded root a message part gets when it cannot be parsed). Default MAX_MIME_PARTS.
   */
  maxParts?: number;
  /**
   * Top-level header section size in bytes (blank line included) above which
   * MimeIndexer.headerTooLarge and MessageIndex.headerTooLarge are set. Default MAX_HEADER_SECTION.
   */
  maxHeaderSize?: number;
}
