// Controls (RFC 4511 4.1.11) and the simple paged results control (RFC 2696) Outlook sends:
// realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING }.
import { BerError, BerReader, BerWriter, Tag } from './ber.ts';
import { Oid } from './constants.ts';

export interface Control {
  oid: string;
  critical: boolean;
  value: Buffer | null;
}

export interface PagedResults {
  size: number;
  cookie: Buffer;
}

/** Decode the contents of the [0] Controls element. */
export function readControls(r: BerReader): Control[] {
  const out: Control[] = [];
  while (!r.atEnd()) {
    const c = r.sub(r.expect(Tag.SEQUENCE, 'control'));
    const oid = c.readString(Tag.OCTET_STRING, 'controlType');
    let critical = false;
    let value: Buffer | null = null;
    if (c.peekTag() === Tag.BOOLEAN) critical = c.readBoolean('criticality');
    if (c.peekTag() === Tag.OCTET_STRING) value = Buffer.from(c.readBytes(Tag.OCTET_STRING, 'controlValue'));
    if (!c.atEnd()) throw new BerError('control: unexpected field');
    out.push({ oid, critical, value });
  }
  return out;
}

export function writeControls(w: BerWriter, controls: Control[]): void {
  if (!controls.length) return;
  w.start(0xa0);
  for (const c of controls) {
    w.start(Tag.SEQUENCE).string(c.oid);
    if (c.critical) w.boolean(true);
    if (c.value) w.raw(Tag.OCTET_STRING, c.value);
    w.end();
  }
  w.end();
}

export function decodePagedResults(value: Buffer | null): PagedResults {
  if (!value) throw new BerError('paged results control without a value');
  const r = new BerReader(value);
  const s = r.sub(r.expect(Tag.SEQUENCE, 'paged results'));
  const size = s.readInteger(Tag.INTEGER, 'page size');
  const cookie = Buffer.from(s.readBytes(Tag.OCTET_STRING, 'cookie'));
  if (size < 0) throw new BerError('negative page size');
  return { size, cookie };
}

export function pagedResultsControl(p: PagedResults, critical = false): Control {
  const w = new BerWriter(32);
  w.start(Tag.SEQUENCE).integer(p.size).raw(Tag.OCTET_STRING, p.cookie).end();
  return { oid: Oid.pagedResults, critical, value: w.toBuffer() };
}
