import { describe, expect, it } from 'vitest';
import { indexMessage } from './mime/index.ts';
import { servedIndex, servedRanges, type MessageSource } from './served-message.ts';

const blob = Buffer.from(
  'Received: from a by b\r\nFrom: An <an@kontum.gov.vn>\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nmột\r\n--b\r\nContent-Type: text/plain\r\n\r\nhai\r\n--b--\r\n',
  'utf8',
);

function served(m: MessageSource): Buffer {
  const r = servedRanges(m);
  return Buffer.concat([r.prefix ? m.headerPrefix!.subarray(...r.prefix) : Buffer.alloc(0), r.blob ? blob.subarray(...r.blob) : Buffer.alloc(0)]);
}

describe('a message served as its header prefix in front of its blob', () => {
  const prefix = Buffer.from('Authentication-Results: mx; spf=pass\r\nSender: <vanthu@kontum.gov.vn>\r\n');
  const m: MessageSource = { sha256: 'x', size: prefix.length + blob.length, headerPrefix: prefix, prefixReplaces: 0 };

  it('reads every byte range of the served message exactly', () => {
    const whole = Buffer.concat([prefix, blob]);
    expect(served(m).equals(whole)).toBe(true);
    for (const [s, e] of [
      [0, 5],
      [prefix.length - 3, prefix.length + 4],
      [prefix.length, whole.length],
      [10, 10],
      [whole.length - 3, whole.length + 10],
    ]) {
      const r = servedRanges(m, s, e);
      const got = Buffer.concat([r.prefix ? prefix.subarray(...r.prefix) : Buffer.alloc(0), r.blob ? blob.subarray(...r.blob) : Buffer.alloc(0)]);
      expect(got.equals(whole.subarray(s, e)), `${s}-${e}`).toBe(true);
    }
  });

  it('moves every part of the index behind the prefix, so sections of the served message stay exact', () => {
    const idx = servedIndex(indexMessage(blob), m);
    const whole = Buffer.concat([prefix, blob]);
    expect(idx.size).toBe(whole.length);
    expect(whole.subarray(0, idx.headerSize).toString()).toMatch(/^Authentication-Results: .*\r\nSubject: x\r\n.*\r\n\r\n$/s);
    const [one, two] = idx.root.children!;
    expect(whole.subarray(one.bodyStart, one.end).toString()).toBe('một');
    expect(whole.subarray(two.headerStart, two.bodyStart).toString()).toBe('Content-Type: text/plain\r\n\r\n');
    expect(whole.subarray(two.bodyStart, two.end).toString()).toBe('hai');
  });

  it('takes Sender: from the prefix for the ENVELOPE', () => {
    const idx = servedIndex(indexMessage(blob), m);
    expect(idx.envelope.sender).toEqual([{ name: null, adl: null, mailbox: 'vanthu', host: 'kontum.gov.vn' }]);
    expect(idx.envelope.from![0].mailbox).toBe('an');
  });

  it('replaces the blob header when the prefix holds a whole new header section', () => {
    const headerEnd = blob.indexOf('\r\n\r\n') + 4;
    const newHeader = Buffer.from('X-New: 1\r\nFrom: An <an@kontum.gov.vn>\r\n\r\n');
    const r: MessageSource = { sha256: 'x', size: newHeader.length + blob.length - headerEnd, headerPrefix: newHeader, prefixReplaces: headerEnd };
    const whole = Buffer.concat([newHeader, blob.subarray(headerEnd)]);
    expect(served(r).equals(whole)).toBe(true);
    const idx = servedIndex(indexMessage(blob), r);
    expect(idx.headerSize).toBe(newHeader.length);
    expect(whole.subarray(idx.root.children![1].bodyStart, idx.root.children![1].end).toString()).toBe('hai');
  });

  it('serves a message without prefix as its blob', () => {
    const plain: MessageSource = { sha256: 'x', size: blob.length };
    expect(served(plain).equals(blob)).toBe(true);
    const idx = indexMessage(blob);
    expect(servedIndex(idx, plain)).toBe(idx);
  });
});
