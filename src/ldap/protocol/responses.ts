// Encoding the server's LDAPMessages (RFC 4511): LDAPResult-shaped answers (Bind, SearchResultDone,
// refused updates), SearchResultEntry, ExtendedResponse and the Notice of Disconnection.
import { BerWriter, Tag } from './ber.ts';
import { Oid, Op } from './constants.ts';
import { writeControls, type Control } from './controls.ts';

export interface LdapResult {
  code: number;
  matchedDN?: string;
  message?: string;
}

export interface EntryAttribute {
  name: string;
  values: readonly string[];
}

function writeResult(w: BerWriter, r: LdapResult): void {
  w.enumerated(r.code)
    .string(r.matchedDN ?? '')
    .string(r.message ?? '');
}

/** An answer whose body is just an LDAPResult: BindResponse, SearchResultDone, ModifyResponse … */
export function encodeResult(messageId: number, opTag: number, result: LdapResult, controls: Control[] = []): Buffer {
  const w = new BerWriter(64 + (result.message?.length ?? 0) * 3);
  w.start(Tag.SEQUENCE).integer(messageId).start(opTag);
  writeResult(w, result);
  w.end();
  writeControls(w, controls);
  return w.end().toBuffer();
}

export function encodeBindResponse(messageId: number, result: LdapResult): Buffer {
  return encodeResult(messageId, Op.BIND_RESPONSE, result);
}

export function encodeSearchDone(messageId: number, result: LdapResult, controls: Control[] = []): Buffer {
  return encodeResult(messageId, Op.SEARCH_RESULT_DONE, result, controls);
}

function writeSearchEntry(w: BerWriter, messageId: number, dn: string, attributes: readonly EntryAttribute[], typesOnly: boolean): void {
  w.start(Tag.SEQUENCE).integer(messageId).start(Op.SEARCH_RESULT_ENTRY).string(dn).start(Tag.SEQUENCE);
  for (const a of attributes) {
    w.start(Tag.SEQUENCE).string(a.name).start(Tag.SET);
    if (!typesOnly) for (const v of a.values) w.string(v);
    w.end().end();
  }
  w.end().end().end();
}

/** One SearchResultEntry; with typesOnly the attributes carry no values. */
export function encodeSearchEntry(messageId: number, dn: string, attributes: readonly EntryAttribute[], typesOnly = false): Buffer {
  const w = new BerWriter(512);
  writeSearchEntry(w, messageId, dn, attributes, typesOnly);
  return w.toBuffer();
}

/** Several SearchResultEntry messages in one buffer (one socket write for a page of results). */
export function encodeSearchEntries(messageId: number, entries: Iterable<{ dn: string; attributes: readonly EntryAttribute[] }>, typesOnly = false): Buffer {
  const w = new BerWriter(4096);
  for (const e of entries) writeSearchEntry(w, messageId, e.dn, e.attributes, typesOnly);
  return w.toBuffer();
}

export function encodeExtendedResponse(messageId: number, result: LdapResult, name: string | null = null, value: Buffer | null = null): Buffer {
  const w = new BerWriter(64);
  w.start(Tag.SEQUENCE).integer(messageId).start(Op.EXTENDED_RESPONSE);
  writeResult(w, result);
  if (name !== null) w.string(name, 0x8a);
  if (value !== null) w.raw(0x8b, value);
  return w.end().end().toBuffer();
}

/** Unsolicited notification (messageID 0) sent before the server closes a connection (RFC 4511 4.4.1). */
export function encodeNoticeOfDisconnection(result: LdapResult): Buffer {
  return encodeExtendedResponse(0, result, Oid.noticeOfDisconnection);
}
