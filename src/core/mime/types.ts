// The message index: what ingest stores in the database for every message blob.
// Owns: the JSON-serialisable shapes (MimeNode, Envelope, Addr, MessageIndex).
// Producing them is indexer.ts; turning them into IMAP values is src/imap/protocol/.
//
// Offsets are byte offsets into the raw blob (exactly the bytes received), so
// BODY[section] is served by reading a byte range of the blob.

/** One address of an IMAP ENVELOPE address list (RFC 3501 7.4.2). */
export interface Addr {
  /** Display phrase as written: quotes removed, encoded-words kept, words joined by one space. */
  name: string | null;
  /** Obsolete source route ("@a,@b"), null when absent (nearly always). */
  adl: string | null;
  /** Local part; the group name for a group start marker; null for a group end marker. */
  mailbox: string | null;
  /** Domain; null for group markers (start: mailbox = group name, end: all null). */
  host: string | null;
}

/** RFC 3501 ENVELOPE fields, raw (encoded-words kept, folding removed). */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: Addr[] | null;
  /** Defaults to `from` when the header is absent or empty (RFC 3501). */
  sender: Addr[] | null;
  /** Defaults to `from` when the header is absent or empty (RFC 3501). */
  replyTo: Addr[] | null;
  to: Addr[] | null;
  cc: Addr[] | null;
  bcc: Addr[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface MimeNode {
  /** Header = [headerStart, bodyStart), including the blank separator line when there is one. */
  headerStart: number;
  bodyStart: number;
  /** Body = [bodyStart, end). The line break before a boundary delimiter is not part of the body. */
  end: number;
  /** Number of LF characters in the body (IMAP body-fld-lines). */
  bodyLines: number;
  /** Lower-case. Default text/plain (message/rfc822 inside multipart/digest). */
  type: string;
  subtype: string;
  /**
   * Content-Type parameters. Keys lower-case (without RFC 2231 `*`/section suffixes);
   * values unquoted, RFC 2231 continuations joined and charset-decoded to Unicode;
   * RFC 2047 encoded-words inside values are kept as written (as IMAP shows them).
   */
  params: Record<string, string>;
  /** Content-ID / Content-Description / Content-MD5 / Content-Location: raw unfolded values. */
  id?: string;
  description?: string;
  /** Content-Transfer-Encoding token, lower-case; absent means 7bit. */
  encoding?: string;
  md5?: string;
  language?: string[];
  location?: string;
  /** Disposition type lower-case, params as for `params`. */
  disposition?: { type: string; params: Record<string, string> };
  /**
   * How the sender spelled tokens that the fields above store in lower case (type, subtype,
   * parameter and disposition-parameter names, encoding, disposition type): lower-case
   * token → spelling. Only tokens not written in lower case appear; absent when none.
   * BODYSTRUCTURE uses it to repeat the sender's case, as Dovecot does.
   */
  spelling?: Record<string, string>;
  /** multipart/*: the body parts (at least one; a multipart without parts is indexed as text/plain). */
  children?: MimeNode[];
  /** message/rfc822 and message/global: the embedded message. */
  message?: { envelope: Envelope; root: MimeNode };
}

export interface SearchText {
  /** All fields are decoded Unicode, NFC. */
  subject: string;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  /** Every top-level header field as "Name: decoded value", one per line. */
  headers: string;
  /** Text of text/plain and text/html parts (HTML converted to plain text), capped. */
  body: string;
}

export interface MessageIndex {
  /** Total size of the raw message in bytes. */
  size: number;
  /** Size of the top-level header including the blank line (= root.bodyStart). */
  headerSize: number;
  root: MimeNode;
  envelope: Envelope;
  /** ISO 8601 (UTC) from the Date: header; null when absent or unparseable. */
  sentDate: string | null;
  /** The first <msg-id> of the Message-ID: header (angle brackets kept), or null. */
  messageId: string | null;
  search: SearchText;
  /**
   * A structure limit of the indexer was reached (absent otherwise, and in indexes stored
   * before the limits existed): 'depth' — a multipart or message/rfc822 part nested too
   * deep is indexed as a leaf (a multipart as text/plain; a message with an empty embedded
   * message); 'parts' — too many parts: the rest of the message is the body of the part
   * it falls in (takes precedence when both happened). Byte offsets stay exact.
   */
  truncated?: 'depth' | 'parts';
  /** The top-level header section is larger than the indexer's maxHeaderSize (absent otherwise). */
  headerTooLarge?: true;
}
