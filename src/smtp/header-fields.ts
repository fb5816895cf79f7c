// Reading the header section of an ingested message (the one header reader of the SMTP front end:
// stages, sender rights, list loops), and the header fields the front end adds of its own
// (Sender: for send-on-behalf, List-Id: for list copies) as header prefix bytes, served in front
// of the stored blob — never a copy of the message.
import type { App } from '../app.ts';
import type { StoredContent } from '../core/delivery.ts';
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
  const block = await app.store.readContent(content, 0, Math.min(content.index.headerSize, content.size, HEADER_READ_CAP));
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

/** Header prefix bytes: `fields` ("Name: value", one line each, no CRLF) in front of `rest`. */
export function prefixWith(fields: string[], rest: Buffer | null): Buffer | null {
  if (!fields.length) return rest;
  const head = Buffer.from(fields.map((f) => f.replace(/[\r\n]+/g, ' ') + '\r\n').join(''), 'utf8');
  return rest && rest.length ? Buffer.concat([head, rest]) : head;
}
