// Reading and adding header fields of a message already in the store, for the front end's own
// rules (Sender: for send-on-behalf, List-Id: for list copies): the header block is read from
// the blob, and a field is added just below our Received (the first field) by streaming the
// message into a new blob (content-addressed, so the original stays intact for other copies).
import type { App } from '../app.ts';
import type { StoredContent } from '../core/mailstore.ts';
import { splitHeaderFields, rawFieldValue, parseAddressList, type HeaderField } from '../core/mime/index.ts';

const HEADER_READ_CAP = 1024 * 1024;

export interface HeaderBlock {
  block: Buffer;
  fields: HeaderField[];
  /** Unfolded values of every field named `lname` (lower case), in order. */
  values(lname: string): string[];
  /** The mailbox addresses (lower case, groups flattened) of every field named `lname`. */
  addresses(lname: string): string[];
}

export async function readHeader(app: App, content: StoredContent): Promise<HeaderBlock> {
  const block = await app.store.readBlob(content.sha256, 0, Math.min(content.index.headerSize, content.size, HEADER_READ_CAP));
  const { fields } = splitHeaderFields(block);
  const values = (lname: string) => fields.filter((f) => f.lname === lname).map((f) => rawFieldValue(block, f));
  return {
    block,
    fields,
    values,
    addresses(lname) {
      const out: string[] = [];
      for (const v of values(lname)) {
        for (const a of parseAddressList(v) ?? []) {
          if (a.mailbox && a.host && !a.host.startsWith('MISSING')) out.push(`${a.mailbox}@${a.host}`.toLowerCase());
        }
      }
      return out;
    },
  };
}

/** Encode a header value with an RFC 2047 encoded-word when it is not plain ASCII. */
export function encodeHeaderText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text.normalize('NFC'), 'utf8').toString('base64')}?=`;
}

/** A copy of the message with `field` ("Name: value", no CRLF) added below its first header field. */
export async function withHeaderField(app: App, content: StoredContent, field: string): Promise<StoredContent> {
  const h = await readHeader(app, content);
  const firstEnd = h.fields.length ? h.fields[0].end : 0;
  const prefix = Buffer.concat([h.block.subarray(0, firstEnd), Buffer.from(field.replace(/[\r\n]+/g, ' ') + '\r\n', 'utf8')]);
  return app.store.rewrite(content, prefix, firstEnd);
}

/** Remove a blob nothing refers to (a message refused after it was stored). */
export async function removeUnreferenced(app: App, sha256: string): Promise<void> {
  try {
    await app.store.removeIfUnreferenced(sha256);
  } catch (e) {
    app.log.warn({ err: e, sha256 }, 'could not remove an unreferenced message blob');
  }
}
