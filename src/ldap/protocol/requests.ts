// Decoding one LDAPMessage from a client (RFC 4511 4.1.1) into a typed request: Bind (simple;
// SASL is reported so the server can answer authMethodNotSupported), Search, Unbind, Abandon,
// Extended, and the update operations this read-only server refuses (kept as their op tag).
import { BerError, BerReader, Tag } from './ber.ts';
import { Op } from './constants.ts';
import { readControls, type Control } from './controls.ts';
import { readFilter, type Filter } from './filter.ts';

export interface BindRequest {
  type: 'bind';
  version: number;
  name: string;
  auth: { kind: 'simple'; password: string } | { kind: 'sasl'; mechanism: string };
}

export interface SearchRequest {
  type: 'search';
  baseObject: string;
  scope: number;
  derefAliases: number;
  sizeLimit: number;
  timeLimit: number;
  typesOnly: boolean;
  filter: Filter;
  attributes: string[];
}

export interface ExtendedRequest {
  type: 'extended';
  oid: string;
  value: Buffer | null;
}

/** An update (or compare) this server refuses; `responseTag` is the tag of its answer. */
export interface RefusedRequest {
  type: 'refused';
  name: 'modify' | 'add' | 'delete' | 'modifyDN' | 'compare';
  responseTag: number;
}

export type LdapOp = BindRequest | SearchRequest | ExtendedRequest | RefusedRequest | { type: 'unbind' } | { type: 'abandon'; messageId: number };

export interface LdapRequest {
  messageId: number;
  op: LdapOp;
  controls: Control[];
}

/** Thrown when the envelope decodes (messageID known) but the operation inside does not. */
export class OperationDecodeError extends BerError {
  constructor(
    readonly messageId: number,
    readonly opTag: number,
    message: string,
  ) {
    super(message);
  }
}

const REFUSED: Record<number, RefusedRequest> = {
  [Op.MODIFY_REQUEST]: { type: 'refused', name: 'modify', responseTag: Op.MODIFY_RESPONSE },
  [Op.ADD_REQUEST]: { type: 'refused', name: 'add', responseTag: Op.ADD_RESPONSE },
  [Op.DEL_REQUEST]: { type: 'refused', name: 'delete', responseTag: Op.DEL_RESPONSE },
  [Op.MODDN_REQUEST]: { type: 'refused', name: 'modifyDN', responseTag: Op.MODDN_RESPONSE },
  [Op.COMPARE_REQUEST]: { type: 'refused', name: 'compare', responseTag: Op.COMPARE_RESPONSE },
};

/** Decode one complete LDAPMessage (as produced by LdapFramer). */
export function decodeRequest(msg: Buffer): LdapRequest {
  const top = new BerReader(msg);
  const env = top.sub(top.expect(Tag.SEQUENCE, 'LDAPMessage'));
  if (!top.atEnd()) throw new BerError('bytes after the LDAPMessage');
  const messageId = env.readInteger(Tag.INTEGER, 'messageID');
  if (messageId < 0 || messageId > 0x7fffffff) throw new BerError('messageID out of range');
  const opTlv = env.readTlv();
  let controls: Control[] = [];
  if (!env.atEnd()) {
    const c = env.expect(0xa0, 'controls');
    controls = readControls(env.sub(c));
    if (!env.atEnd()) throw new BerError('unexpected element after controls');
  }
  let op: LdapOp;
  try {
    op = decodeOp(opTlv.tag, env.sub(opTlv));
  } catch (e) {
    if (e instanceof BerError && !(e instanceof OperationDecodeError)) throw new OperationDecodeError(messageId, opTlv.tag, e.message);
    throw e;
  }
  if (messageId === 0 && op.type !== 'unbind') throw new BerError('messageID 0 is reserved for unsolicited notifications');
  return { messageId, op, controls };
}

function decodeOp(tag: number, r: BerReader): LdapOp {
  switch (tag) {
    case Op.BIND_REQUEST: {
      const version = r.readInteger(Tag.INTEGER, 'version');
      const name = r.readString(Tag.OCTET_STRING, 'name');
      const a = r.readTlv();
      if (a.tag === 0x80) return { type: 'bind', version, name, auth: { kind: 'simple', password: r.string(a) } };
      if (a.tag === 0xa3) {
        const s = r.sub(a);
        return { type: 'bind', version, name, auth: { kind: 'sasl', mechanism: s.readString(Tag.OCTET_STRING, 'mechanism') } };
      }
      throw new BerError('bind: unknown authentication choice');
    }
    case Op.UNBIND_REQUEST:
      return { type: 'unbind' };
    case Op.ABANDON_REQUEST:
      return { type: 'abandon', messageId: r.integerOf({ tag, start: r.pos, end: r.end }) };
    case Op.SEARCH_REQUEST: {
      const baseObject = r.readString(Tag.OCTET_STRING, 'baseObject');
      const scope = r.readEnumerated('scope');
      const derefAliases = r.readEnumerated('derefAliases');
      const sizeLimit = r.readInteger(Tag.INTEGER, 'sizeLimit');
      const timeLimit = r.readInteger(Tag.INTEGER, 'timeLimit');
      const typesOnly = r.readBoolean('typesOnly');
      const filter = readFilter(r);
      const attrs = r.sub(r.expect(Tag.SEQUENCE, 'attributes'));
      const attributes: string[] = [];
      while (!attrs.atEnd()) attributes.push(attrs.readString(Tag.OCTET_STRING, 'attribute selector'));
      if (scope < 0 || scope > 3) throw new BerError('search: unknown scope');
      if (sizeLimit < 0 || timeLimit < 0) throw new BerError('search: negative limit');
      return { type: 'search', baseObject, scope, derefAliases, sizeLimit, timeLimit, typesOnly, filter, attributes };
    }
    case Op.EXTENDED_REQUEST: {
      const oid = r.readString(0x80, 'requestName');
      const value = r.atEnd() ? null : Buffer.from(r.readBytes(0x81, 'requestValue'));
      return { type: 'extended', oid, value };
    }
    default: {
      const refused = REFUSED[tag];
      if (refused) return refused;
      throw new BerError(`unknown protocol operation 0x${tag.toString(16)}`);
    }
  }
}
