// Owns: the shapes shared by the export and import formats (src/transfer/): one message as it
// travels (folder, flags, internal date) and the formats' names.

export const TRANSFER_FORMATS = ['mbox', 'maildir', 'zip'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

/** A message's place and state, as an export writes it and an import reads it back. */
export interface TransferMessage {
  /** The folder's name in thutin's form (UTF-8, '/' between levels). */
  folder: string;
  /** IMAP flag names: system flags (\Seen …) and keywords. */
  flags: string[];
  /** INTERNALDATE, milliseconds since the epoch. */
  internalDate: number;
}

/** A folder as an export lists it. */
export interface TransferFolder {
  name: string;
  specialUse: string | null;
  subscribed: boolean;
}

/** A message an import has read: its place and its bytes (a buffer, or a stream opened when it is ingested). */
export interface ImportItem extends TransferMessage {
  body: Buffer | (() => Promise<AsyncIterable<Buffer>>);
}

/** Counts of an export or an import. */
export interface TransferCounts {
  folders: number;
  messages: number;
  bytes: number;
}
