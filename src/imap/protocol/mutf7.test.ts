import { describe, expect, it } from 'vitest';
import { decodeMailboxName, encodeMailboxName } from './mutf7.ts';

describe('modified UTF-7 mailbox names (RFC 3501 5.1.3)', () => {
  it('decodes and encodes the RFC example', () => {
    expect(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeMailboxName('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  });

  it('handles Vietnamese names', () => {
    expect(encodeMailboxName('Thư đã gửi')).toBe('Th&AbA- &AREA4w- g&Hu0-i');
    expect(decodeMailboxName('Th&AbA- &AREA4w- g&Hu0-i')).toBe('Thư đã gửi');
    expect(decodeMailboxName('Th&AbA-')).toBe('Thư');
    expect(decodeMailboxName(encodeMailboxName('Thư rác/Hộp thư đến'))).toBe('Thư rác/Hộp thư đến');
  });

  it('writes "&" as "&-" and reads it back', () => {
    expect(encodeMailboxName('AT&T')).toBe('AT&-T');
    expect(decodeMailboxName('AT&-T')).toBe('AT&T');
    expect(encodeMailboxName('&')).toBe('&-');
  });

  it('leaves plain ASCII untouched', () => {
    expect(encodeMailboxName('INBOX/Sent Items')).toBe('INBOX/Sent Items');
    expect(decodeMailboxName('INBOX/Sent Items')).toBe('INBOX/Sent Items');
  });

  it('encodes characters outside the BMP as surrogate pairs and control characters as base64', () => {
    const name = 'mail 📬 box';
    const encoded = encodeMailboxName(name);
    expect(encoded).toMatch(/^mail &[A-Za-z0-9+,]+- box$/);
    expect(decodeMailboxName(encoded)).toBe(name);
    expect(encodeMailboxName('a\tb')).toBe('a&AAk-b');
    expect(decodeMailboxName('a&AAk-b')).toBe('a\tb');
  });

  it('replaces lone surrogates when encoding', () => {
    expect(decodeMailboxName(encodeMailboxName('x\ud800y'))).toBe('x\ufffdy');
  });

  it('keeps invalid modified UTF-7 literally', () => {
    expect(decodeMailboxName('AT&T')).toBe('AT&T'); // "&T" is unterminated
    expect(decodeMailboxName('&ZeVnLIqe')).toBe('&ZeVnLIqe'); // no closing "-"
    expect(decodeMailboxName('&AGE-')).toBe('&AGE-'); // encodes printable ASCII "a"
    expect(decodeMailboxName('&Jjo!-')).toBe('&Jjo!-'); // "!" is not base64
    expect(decodeMailboxName('&AA-')).toBe('&AA-'); // odd number of bytes
    expect(decodeMailboxName('&2D3-')).toBe('&2D3-'); // lone high surrogate
    expect(decodeMailboxName('&AbB-')).toBe('&AbB-'); // non-zero padding bits
  });

  it('decodes the valid part after an invalid one', () => {
    expect(decodeMailboxName('a&b&AbA-')).toBe('a&bư');
  });

  it('round-trips arbitrary strings', () => {
    const samples = ['', '&&', '&-', 'Đơn vị/Phòng Tổ chức', '日本語&台北', '\u0000\u007f\u0080', 'a-b&c-d'];
    for (const s of samples) expect(decodeMailboxName(encodeMailboxName(s))).toBe(s);
  });
});
