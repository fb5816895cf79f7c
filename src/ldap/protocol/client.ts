// The client side of the codec: encoding requests and decoding responses. The server does not
// use it; tests (round trips through the server's decoder) and the benchmark do.
import { BerError, BerReader, BerWriter, Tag } from './ber.ts';
import { Op } from './constants.ts';
import { readControls, writeControls, type Control } from './controls.ts';
import { writeFilter, type Filter } from './filter.ts';

function envelope(messageId: number, body: (w: BerWriter) => void, controls: Control[] = []): Buffer {
  const w = new BerWriter(128);
  w.start(Tag.SEQUENCE).integer(messageId);
  body(w);
  writeControls(w, controls);
  return w.end().toBuffer();
}

export function encodeBindRequest(messageId: number, name: string, password: string, controls: Control[] = []): Buffer {
  return envelope(messageId, (w) => w.start(Op.BIND_REQUEST).integer(3).string(name).string(password, 0x80).end(), controls);
}

export function encodeSaslBindRequest(messageId: number, mechanism: string): Buffer {
  return envelope(messageId, (w) => w.start(Op.BIND_REQUEST).integer(3).string('').start(0xa3).string(mechanism).end().end());
}

export interface SearchParams {
  baseObject: string;
  scope: number;
  derefAliases?: number;
  sizeLimit?: number;
  timeLimit?: number;
  typesOnly?: boolean;
  filter: Filter;
  attributes?: string[];
}

export function encodeSearchRequest(messageId: number, p: SearchParams, controls: Control[] = []): Buffer {
  return envelope(
    messageId,
    (w) => {
      w.start(Op.SEARCH_REQUEST)
        .string(p.baseObject)
        .enumerated(p.scope)
        .enumerated(p.derefAliases ?? 0)
        .integer(p.sizeLimit ?? 0)
        .integer(p.timeLimit ?? 0)
        .boolean(p.typesOnly ?? false);
      writeFilter(w, p.filter);
      w.start(Tag.SEQUENCE);
      for (const a of p.attributes ?? []) w.string(a);
      w.end().end();
    },
    controls,
  );
}

export function encodeUnbindRequest(messageId: number): Buffer {
  return envelope(messageId, (w) => w.null(Op.UNBIND_REQUEST));
}

export function encodeAbandonRequest(messageId: number, target: number): Buffer {
  return envelope(messageId, (w) => w.integer(target, Op.ABANDON_REQUEST));
}

export function encodeExtendedRequest(messageId: number, oid: string, value: Buffer | null = null): Buffer {
  return envelope(messageId, (w) => {
    w.start(Op.EXTENDED_REQUEST).string(oid, 0x80);
    if (value) w.raw(0x81, value);
    w.end();
  });
}

/** A delete request (for testing the read-only refusal). */
export function encodeDelRequest(messageId: number, dn: string): Buffer {
  return envelope(messageId, (w) => w.string(dn, Op.DEL_REQUEST));
}

export interface DecodedResponse {
  messageId: number;
  opTag: number;
  /** SearchResultEntry */
  dn?: string;
  attributes?: Array<{ name: string; values: string[] }>;
  /** LDAPResult-shaped responses */
  code?: number;
  matchedDN?: string;
  message?: string;
  responseName?: string;
  responseValue?: Buffer;
  controls: Control[];
}

export function decodeResponse(msg: Buffer): DecodedResponse {
  const top = new BerReader(msg);
  const env = top.sub(top.expect(Tag.SEQUENCE, 'LDAPMessage'));
  const messageId = env.readInteger();
  const opTlv = env.readTlv();
  const r = env.sub(opTlv);
  const out: DecodedResponse = { messageId, opTag: opTlv.tag, controls: [] };
  if (opTlv.tag === Op.SEARCH_RESULT_ENTRY) {
    out.dn = r.readString();
    const attrs = r.sub(r.expect(Tag.SEQUENCE, 'attributes'));
    out.attributes = [];
    while (!attrs.atEnd()) {
      const a = attrs.sub(attrs.expect(Tag.SEQUENCE, 'attribute'));
      const name = a.readString();
      const set = a.sub(a.expect(Tag.SET, 'values'));
      const values: string[] = [];
      while (!set.atEnd()) values.push(set.readString());
      out.attributes.push({ name, values });
    }
  } else if ((opTlv.tag & 0xe0) === 0x60) {
    out.code = r.readEnumerated();
    out.matchedDN = r.readString();
    out.message = r.readString();
    while (!r.atEnd()) {
      const t = r.readTlv();
      if (t.tag === 0x8a) out.responseName = r.string(t);
      else if (t.tag === 0x8b) out.responseValue = Buffer.from(r.bytes(t));
    }
  } else throw new BerError(`unexpected response op 0x${opTlv.tag.toString(16)}`);
  if (!env.atEnd()) out.controls = readControls(env.sub(env.expect(0xa0, 'controls')));
  return out;
}
