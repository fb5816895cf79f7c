import { describe, expect, it } from 'vitest';
import { BerError, BerWriter, Tag } from './ber.ts';
import { decodeResponse, encodeAbandonRequest, encodeBindRequest, encodeDelRequest, encodeExtendedRequest, encodeSaslBindRequest, encodeSearchRequest, encodeUnbindRequest } from './client.ts';
import { Oid, Op, ResultCode } from './constants.ts';
import { decodePagedResults, pagedResultsControl } from './controls.ts';
import { parseFilter } from './filter.ts';
import { decodeRequest, OperationDecodeError } from './requests.ts';
import { encodeBindResponse, encodeExtendedResponse, encodeNoticeOfDisconnection, encodeResult, encodeSearchDone, encodeSearchEntry } from './responses.ts';

describe('decoding requests', () => {
  it('simple bind', () => {
    expect(decodeRequest(encodeBindRequest(1, 'uid=annv,ou=people,dc=kontum,dc=gov,dc=vn', 'Matkhau#2026'))).toEqual({
      messageId: 1,
      controls: [],
      op: { type: 'bind', version: 3, name: 'uid=annv,ou=people,dc=kontum,dc=gov,dc=vn', auth: { kind: 'simple', password: 'Matkhau#2026' } },
    });
  });

  it('SASL bind is recognised (so it can be answered authMethodNotSupported)', () => {
    expect(decodeRequest(encodeSaslBindRequest(2, 'GSSAPI')).op).toEqual({ type: 'bind', version: 3, name: '', auth: { kind: 'sasl', mechanism: 'GSSAPI' } });
  });

  it('search with every field and a paged results control', () => {
    const filter = parseFilter('(&(mail=*)(|(cn=*dang*)(anr=hương)))');
    const msg = encodeSearchRequest(
      7,
      { baseObject: 'ou=people,dc=kontum,dc=gov,dc=vn', scope: 1, derefAliases: 3, sizeLimit: 100, timeLimit: 30, typesOnly: true, filter, attributes: ['cn', 'mail'] },
      [pagedResultsControl({ size: 50, cookie: Buffer.from('abc') }, true)],
    );
    const req = decodeRequest(msg);
    expect(req.op).toEqual({
      type: 'search',
      baseObject: 'ou=people,dc=kontum,dc=gov,dc=vn',
      scope: 1,
      derefAliases: 3,
      sizeLimit: 100,
      timeLimit: 30,
      typesOnly: true,
      filter,
      attributes: ['cn', 'mail'],
    });
    expect(req.controls).toHaveLength(1);
    expect(req.controls[0]).toMatchObject({ oid: Oid.pagedResults, critical: true });
    expect(decodePagedResults(req.controls[0].value)).toEqual({ size: 50, cookie: Buffer.from('abc') });
  });

  it('unbind, abandon and extended requests', () => {
    expect(decodeRequest(encodeUnbindRequest(3)).op).toEqual({ type: 'unbind' });
    expect(decodeRequest(encodeAbandonRequest(4, 2)).op).toEqual({ type: 'abandon', messageId: 2 });
    expect(decodeRequest(encodeExtendedRequest(5, Oid.startTls)).op).toEqual({ type: 'extended', oid: Oid.startTls, value: null });
    expect(decodeRequest(encodeExtendedRequest(6, '1.2.3', Buffer.from('v'))).op).toEqual({ type: 'extended', oid: '1.2.3', value: Buffer.from('v') });
  });

  it('update operations become refusals answered with their own response tag', () => {
    expect(decodeRequest(encodeDelRequest(8, 'uid=annv,ou=people,dc=kontum,dc=gov,dc=vn')).op).toEqual({ type: 'refused', name: 'delete', responseTag: Op.DEL_RESPONSE });
    const add = new BerWriter().start(Tag.SEQUENCE).integer(9).start(Op.ADD_REQUEST).string('cn=x').start(Tag.SEQUENCE).end().end().end().toBuffer();
    expect(decodeRequest(add).op).toMatchObject({ name: 'add', responseTag: Op.ADD_RESPONSE });
  });

  it('a malformed operation inside a good envelope names its messageID', () => {
    const bad = new BerWriter().start(Tag.SEQUENCE).integer(11).start(Op.SEARCH_REQUEST).string('dc=x').end().end().toBuffer();
    const err = (() => {
      try {
        decodeRequest(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OperationDecodeError);
    expect((err as OperationDecodeError).messageId).toBe(11);
  });

  it.each([
    ['an unknown operation', new BerWriter().start(Tag.SEQUENCE).integer(1).null(0x5f).end().toBuffer()],
    ['a negative messageID', new BerWriter().start(Tag.SEQUENCE).integer(-5).null(Op.UNBIND_REQUEST).end().toBuffer()],
    ['messageID 0 on a request', encodeBindRequest(0, '', '')],
    ['trailing bytes', Buffer.concat([encodeUnbindRequest(1), Buffer.from([0])])],
  ])('refuses %s', (_n, buf) => {
    expect(() => decodeRequest(buf)).toThrow(BerError);
  });
});

describe('encoding responses', () => {
  it('LDAPResult answers carry code, matched DN and message', () => {
    const r = decodeResponse(encodeBindResponse(1, { code: ResultCode.invalidCredentials, message: 'Sai mật khẩu / invalid credentials' }));
    expect(r).toMatchObject({ messageId: 1, opTag: Op.BIND_RESPONSE, code: 49, matchedDN: '', message: 'Sai mật khẩu / invalid credentials' });
    expect(decodeResponse(encodeResult(2, Op.DEL_RESPONSE, { code: 53 }))).toMatchObject({ opTag: Op.DEL_RESPONSE, code: 53 });
  });

  it('SearchResultEntry with UTF-8 values, and typesOnly', () => {
    const attrs = [
      { name: 'cn', values: ['Đặng Thị Hương'] },
      { name: 'objectClass', values: ['top', 'person'] },
    ];
    expect(decodeResponse(encodeSearchEntry(3, 'uid=huongdt,ou=people,dc=kontum,dc=gov,dc=vn', attrs))).toMatchObject({
      opTag: Op.SEARCH_RESULT_ENTRY,
      dn: 'uid=huongdt,ou=people,dc=kontum,dc=gov,dc=vn',
      attributes: attrs,
    });
    expect(decodeResponse(encodeSearchEntry(3, 'x=y', attrs, true)).attributes).toEqual([
      { name: 'cn', values: [] },
      { name: 'objectClass', values: [] },
    ]);
  });

  it('SearchResultDone with the paged results cookie', () => {
    const r = decodeResponse(encodeSearchDone(4, { code: 0 }, [pagedResultsControl({ size: 120, cookie: Buffer.from('0102', 'hex') })]));
    expect(r.code).toBe(0);
    expect(decodePagedResults(r.controls[0].value)).toEqual({ size: 120, cookie: Buffer.from('0102', 'hex') });
  });

  it('ExtendedResponse and the Notice of Disconnection (messageID 0)', () => {
    expect(decodeResponse(encodeExtendedResponse(5, { code: 0 }, Oid.startTls))).toMatchObject({ opTag: Op.EXTENDED_RESPONSE, responseName: Oid.startTls });
    expect(decodeResponse(encodeExtendedResponse(6, { code: 0 }, null, Buffer.from('dn:uid=a')))).toMatchObject({ responseValue: Buffer.from('dn:uid=a') });
    expect(decodeResponse(encodeNoticeOfDisconnection({ code: ResultCode.protocolError, message: 'x' }))).toMatchObject({
      messageId: 0,
      code: 2,
      responseName: Oid.noticeOfDisconnection,
    });
  });
});
