import { describe, expect, it } from 'vitest';
import { htmlToText, decodeEntities } from './html-text.ts';
import { indexMessage } from './indexer.ts';
import { BODY_TEXT_CAP } from './search-text.ts';
import { createTransferDecoder } from './transfer-decoder.ts';
import { VI_PLAIN, WIN1258_TEXT, alternativeVi, crlf, mixedAttachment, nestedRfc822, toCp1258, windows1258 } from './fixtures/messages.ts';

describe('search text of the fixtures', () => {
  it('multipart/alternative: the quoted-printable plain text wins over its HTML twin', () => {
    const s = indexMessage(alternativeVi()).search;
    expect(s.body).toBe(VI_PLAIN);
    expect(s.subject).toBe('Báo cáo tháng 11');
    expect(s.from).toBe('Nguyễn Văn Hùng <hung@sotttt.gov.vn>');
    expect(s.to).toBe('Trần Thị B <b@ubnd.gov.vn>, c@ubnd.gov.vn');
    expect(s.cc).toBe('Lê Văn C <c2@ubnd.gov.vn>');
    expect(s.headers.split('\n')).toContain('Subject: Báo cáo tháng 11');
  });

  it('HTML alone is converted to text without markup, scripts or styles', () => {
    const raw = alternativeVi()
      .toString('latin1')
      .replace(/Content-Type: text\/plain; charset=UTF-8/, 'Content-Type: application/x-ignored');
    const s = indexMessage(Buffer.from(raw, 'latin1')).search;
    expect(s.body).toBe('Kính gửi anh Đức,\n\nBáo cáo tháng 11 đã hoàn thành & gửi kèm.');
  });

  it('windows-1258 body and headers are decoded and composed to NFC', () => {
    const s = indexMessage(windows1258()).search;
    expect(s.body.trim()).toBe(WIN1258_TEXT.normalize('NFC'));
    expect(s.body).toBe(s.body.normalize('NFC'));
    expect(s.body).toContain('Hà Nội');
    expect(s.from).toBe('Phòng Hành chính <hc@tinh.gov.vn>');
    expect(s.subject).toBe('Công văn');
  });

  it('8-bit text without a charset that is not UTF-8 is read as windows-1258', () => {
    const raw = Buffer.concat([crlf(['Subject: x', '', '']), toCp1258('Thành phố Huế')]);
    expect(indexMessage(raw).search.body).toBe('Thành phố Huế');
  });

  it('includes embedded messages (their headers and text) and group recipients', () => {
    const s = indexMessage(nestedRfc822()).search;
    expect(s.body).toContain('See forwarded message.');
    expect(s.body).toContain('Subject: Lịch họp');
    expect(s.body).toContain('From: Phạm C <c@z.vn>');
    expect(s.body).toContain('Họp lúc 9 giờ.');
    expect(s.body).not.toContain('preamble');
    expect(s.body).not.toContain('epilogue');
    expect(s.body).not.toContain('iVBOR');
    const m = indexMessage(mixedAttachment()).search;
    expect(m.to).toBe('Phòng Tổ chức: a@ubnd.gov.vn, Lê B <b@ubnd.gov.vn>;, d@ubnd.gov.vn');
    expect(m.subject).toBe('Báo cáo tháng 11');
    expect(m.body).toBe('Gửi kèm báo cáo.');
  });

  it('HTML without a declared charset uses its <meta charset>', () => {
    const html = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1258"></head><body>'), toCp1258('Đà Nẵng'), Buffer.from('</body></html>')]);
    const raw = Buffer.concat([crlf(['Content-Type: text/html', '', '']), html]);
    expect(indexMessage(raw).search.body).toBe('Đà Nẵng');
  });

  it('caps the body text', () => {
    const line = 'Dòng văn bản dài để kiểm tra giới hạn. '.repeat(20);
    const raw = Buffer.concat([crlf(['Content-Type: text/plain; charset=utf-8', '', '']), Buffer.from(`${line}\r\n`.repeat(2500))]);
    expect(raw.length).toBeGreaterThan(2 * 1024 * 1024);
    const s = indexMessage(raw).search;
    expect(s.body.length).toBe(BODY_TEXT_CAP);
    expect(s.body.startsWith('Dòng văn bản')).toBe(true);
  });
});

describe('htmlToText', () => {
  it('drops comments, conditional comments, head, Outlook xml and unknown tags', () => {
    const html =
      '<html><head><title>T</title><style>.a{}</style></head><body><!--[if gte mso 9]><xml><o:x>junk</o:x></xml><![endif]-->' +
      '<div>Một<br>Hai</div><table><tr><td>A</td><td>B</td></tr></table><p>x &lt; y &amp;&amp; &#272;&#x1EE9;c &nbsp;&hellip;</p><script type="a>b">evil()</script></body></html>';
    expect(htmlToText(html)).toBe('Một\nHai\n\nA B\n\nx < y && Đức …');
  });

  it('is linear on pathological input', () => {
    const t0 = Date.now();
    htmlToText('<script>'.repeat(20000) + '<a href="'.repeat(20000));
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('decodes entities', () => {
    expect(decodeEntities('&agrave;&ocirc;&abreve;&dstrok;&#0;&bogus;&amp')).toBe('àôăđ\ufffd&bogus;&');
  });
});

describe('transfer decoders', () => {
  const run = (enc: string, pieces: (string | null)[]): string => {
    const out: Buffer[] = [];
    const d = createTransferDecoder(enc, (b) => out.push(Buffer.from(b)));
    for (const p of pieces) {
      if (p === null) d.eol();
      else d.content(Buffer.from(p, 'latin1'));
    }
    d.end();
    return Buffer.concat(out).toString('utf8');
  };

  it('quoted-printable: soft breaks, escapes split across fragments, transport whitespace', () => {
    expect(run('quoted-printable', ['Vi=E1=BB', '=87t =', null, 'Nam  ', null, 'a=3Db=', null, 'c=4'])).toBe('Việt Nam\na=bc=4');
    expect(run('quoted-printable', ['x=', '3', 'D', null])).toBe('x=\n');
  });

  it('base64: ignores line breaks and junk, handles padding in the middle', () => {
    expect(run('base64', ['SGVs', null, 'bG8=', null, 'IQ==', '**'])).toBe('Hello!');
    expect(run('base64', ['w6Fi', 'Yw'])).toBe('ábc');
  });

  it('identity encodings pass bytes and turn line breaks into LF', () => {
    expect(run('8bit', ['a', null, 'b'])).toBe('a\nb');
  });
});
