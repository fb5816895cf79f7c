import { describe, expect, it } from 'vitest';
import { BerError, BerReader, BerWriter, Tag } from './ber.ts';

describe('BER integers', () => {
  it.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [2147483647, '02047fffffff'],
  ])('%i is encoded minimally as %s and read back', (n, hex) => {
    const buf = new BerWriter().integer(n).toBuffer();
    expect(buf.toString('hex')).toBe(hex);
    expect(new BerReader(buf).readInteger()).toBe(n);
  });
});

describe('BER lengths', () => {
  it.each([0, 1, 127, 128, 255, 256, 65535, 65536, 70000])('a %i-byte OCTET STRING round-trips', (n) => {
    const value = 'x'.repeat(n);
    const buf = new BerWriter().string(value).toBuffer();
    const header = n < 128 ? 2 : n < 256 ? 3 : n < 65536 ? 4 : 5;
    expect(buf.length).toBe(header + n);
    expect(new BerReader(buf).readString()).toBe(value);
  });

  it('constructed values get their length widened when their content passes 127 bytes', () => {
    const w = new BerWriter(8);
    w.start(Tag.SEQUENCE).string('a'.repeat(200)).start(Tag.SET).string('b'.repeat(300)).end().boolean(true).end();
    const r = new BerReader(w.toBuffer());
    const seq = r.sub(r.expect(Tag.SEQUENCE, 'seq'));
    expect(r.atEnd()).toBe(true);
    expect(seq.readString()).toBe('a'.repeat(200));
    const set = seq.sub(seq.expect(Tag.SET, 'set'));
    expect(set.readString()).toBe('b'.repeat(300));
    expect(seq.readBoolean()).toBe(true);
    expect(seq.atEnd()).toBe(true);
  });

  it('UTF-8 strings are measured in bytes', () => {
    const buf = new BerWriter().string('Đặng Thị Hương').toBuffer();
    expect(buf[1]).toBe(Buffer.byteLength('Đặng Thị Hương'));
    expect(new BerReader(buf).readString()).toBe('Đặng Thị Hương');
  });
});

describe('BerReader refuses what LDAP does not allow', () => {
  it.each([
    ['indefinite length', '3080020101' + '0000'],
    ['value past its container', '300502010102'],
    ['five-byte length', '30850000000001'],
    ['multi-byte tag', '1f8101'],
    ['missing length', '30'],
  ])('%s', (_name, hex) => {
    expect(() => new BerReader(Buffer.from(hex, 'hex')).readTlv()).toThrow(BerError);
  });

  it('a wrong tag is reported with what was expected', () => {
    expect(() => new BerReader(Buffer.from('0101ff', 'hex')).readInteger(Tag.INTEGER, 'messageID')).toThrow(/messageID/);
  });

  it('an unclosed constructed value cannot be serialised', () => {
    expect(() => new BerWriter().start(Tag.SEQUENCE).toBuffer()).toThrow(BerError);
  });
});
