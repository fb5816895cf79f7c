// JMAP over raw HTTP (node's http/https, no JMAP library), on each store backend: request-level
// problems (notJSON, notRequest, unknownCapability, limit) and method-level errors (unknownMethod,
// invalidArguments, accountNotFound, invalidResultReference, requestTooLarge); back-references
// with `*` and creation ids across calls; Email/get's header forms, body parts, body values and a
// part's download; Email/query's paging and conditions; authentication (Basic over TLS with the
// account password while the second factor is off, app passwords always; credentials on plain
// HTTP from a remote client refused); a delegated mailbox as a read-only account with its audit.
import http from 'node:http';
import https from 'node:https';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as OTPAuth from 'otpauth';
import { backends } from '../helpers/harness.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}

function request(port: number, method: string, path: string, opts: { secure?: boolean; headers?: Record<string, string>; body?: Buffer | string | object } = {}): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) || typeof opts.body === 'string' ? Buffer.from(opts.body) : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = (opts.secure ? https : http).request(
      { host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) }, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: unknown = null;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const UNIT = 'stttt@kontum.gov.vn';

function multipartMessage(from: string, to: string): Buffer {
  const pdf = Buffer.from('%PDF-1.4 báo cáo\n');
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('Lê Thị Bình').toString('base64')}?= <${from}>`,
      `To: "Nguyễn Văn An" <${to}>, <vanthu@kontum.gov.vn>`,
      'Cc: Phòng Tổ chức: <tochuc@kontum.gov.vn>;',
      `Subject: =?UTF-8?Q?Gi=E1=BA=A5y_m=E1=BB=9Di_h=E1=BB=8Dp?=`,
      'Date: Mon, 30 Nov 2026 08:30:00 +0700',
      'Message-ID: <hop-30-11@kontum.gov.vn>',
      'References: <a@kontum.gov.vn> <b@kontum.gov.vn>',
      'X-Priority: 1',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'K=C3=ADnh g=E1=BB=ADi c=C3=A1c =C4=91=E1=BB=93ng ch=C3=AD: h=E1=BB=8Dp l=C3=BAc 8 gi=E1=BB=9D.',
      '--alt',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>Kính gửi các <b>đồng chí</b>: họp lúc 8 giờ.</p>',
      '--alt--',
      '--outer',
      'Content-Type: application/pdf; name="bao-cao.pdf"',
      'Content-Disposition: attachment; filename="bao-cao.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--outer--',
      '',
    ].join('\r\n'),
  );
}

describe.each(backends())('JMAP over raw HTTP (%s)', (backend) => {
  let r: Running;
  let an: string;
  let anId: number;
  let token: string;
  let port: number;
  let account: string;

  const api = (body: unknown, headers: Record<string, string> = {}) => request(port, 'POST', '/jmap/api', { headers: { authorization: `Bearer ${token}`, ...headers }, body: body as object });
  const calls = async (...methodCalls: unknown[][]) => {
    const res = await api({ using: USING, methodCalls });
    expect(res.status, res.body.toString()).toBe(200);
    return res.json.methodResponses as Array<[string, any, string]>;
  };

  beforeAll(async () => {
    // loopback is a trusted reverse proxy: what it forwards with X-Forwarded-For comes from elsewhere
    r = await startTestServers({ backend, config: { http: { trustedProxies: ['127.0.0.0/8', '::1'] }, smtp: { maxMessageSize: 1_000_000 } } });
    an = await r.user('annv');
    anId = (await r.app.accounts.byAddress(an))!.id;
    port = r.servers.ports.http;
    token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    account = `A${anId}`;
    await r.app.store.append(anId, 'INBOX', multipartMessage('binhlt@kontum.gov.vn', an), ['$Important'], new Date('2026-11-30T01:30:00Z'));
    for (let i = 0; i < 7; i++)
      await r.app.store.append(
        anId,
        'INBOX',
        vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Công văn số ${i}`, body: 'x'.repeat(100 * (i + 1)) }),
        i % 2 ? ['\\Seen'] : [],
        new Date(Date.UTC(2026, 10, 1 + i)),
      );
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('answers RFC 7807 problems for what is not a Request', async () => {
    const notJson = await api('{"using": [', {});
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ type: 'urn:ietf:params:jmap:error:notJSON', status: 400 });
    expect(notJson.json.detail).toMatch(/JSON.*\/.*JSON/);
    expect(notJson.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await api({ using: USING })).json.type).toBe('urn:ietf:params:jmap:error:notRequest');
    expect((await api({ using: USING, methodCalls: [['Core/echo', {}]] })).json.type).toBe('urn:ietf:params:jmap:error:notRequest');
    expect((await api([1, 2])).json.type).toBe('urn:ietf:params:jmap:error:notRequest');
    const cap = await api({ using: [...USING, 'urn:example:nope'], methodCalls: [] });
    expect(cap.json).toMatchObject({ type: 'urn:ietf:params:jmap:error:unknownCapability', status: 400 });
    const many = await api({ using: USING, methodCalls: Array.from({ length: 65 }, (_, i) => ['Core/echo', {}, `c${i}`]) });
    expect(many.json).toMatchObject({ type: 'urn:ietf:params:jmap:error:limit', limit: 'maxCallsInRequest' });
    const big = await api(Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    expect(big.json).toMatchObject({ type: 'urn:ietf:params:jmap:error:limit', limit: 'maxSizeRequest' });
  });

  it('asks for credentials with 401 and WWW-Authenticate', async () => {
    const none = await request(port, 'POST', '/jmap/api', { body: { using: USING, methodCalls: [] } });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    expect(none.headers['www-authenticate']).toMatch(/Basic/);
    const wrong = await request(port, 'GET', '/jmap/session', { headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    expect(wrong.status).toBe(401);
  });

  it('answers method-level errors in place and goes on with the next call', async () => {
    const res = await api({
      using: ['urn:ietf:params:jmap:core'],
      methodCalls: [
        ['Mailbox/get', { accountId: account }, 'a'],
        ['Core/echo', { hello: 'xin chào' }, 'b'],
      ],
    });
    expect(res.json.methodResponses[0]).toEqual(['error', expect.objectContaining({ type: 'unknownMethod' }), 'a']);
    expect(res.json.methodResponses[1]).toEqual(['Core/echo', { hello: 'xin chào' }, 'b']);
    const out = await calls(
      ['Foo/bar', {}, 'c1'],
      ['Mailbox/get', { accountId: 'A999999' }, 'c2'],
      ['Email/get', { accountId: account, ids: [], properties: ['nope'] }, 'c3'],
      ['Email/get', { accountId: account, '#ids': { resultOf: 'zz', name: 'Email/query', path: '/ids' } }, 'c4'],
      ['Email/get', { accountId: account, ids: Array.from({ length: 1001 }, (_, i) => `E1_${i + 1}`) }, 'c5'],
      ['Email/query', { accountId: account, filter: { nope: 1 } }, 'c6'],
      ['Email/changes', { accountId: account, sinceState: 'garbage' }, 'c7'],
    );
    expect(out.map((o) => [o[0], o[1].type, o[2]])).toEqual([
      ['error', 'unknownMethod', 'c1'],
      ['error', 'accountNotFound', 'c2'],
      ['error', 'invalidArguments', 'c3'],
      ['error', 'invalidResultReference', 'c4'],
      ['error', 'requestTooLarge', 'c5'],
      ['error', 'unsupportedFilter', 'c6'],
      ['error', 'cannotCalculateChanges', 'c7'],
    ]);
    expect(out[1][1].description).toMatch(/Không có tài khoản.*\/ No such account/);
  });

  it('resolves back-references with * over arrays, and creation ids across calls', async () => {
    const out = await calls(
      ['Email/query', { accountId: account, filter: { subject: 'cong van' }, sort: [{ property: 'receivedAt', isAscending: true }], limit: 3 }, 'q'],
      ['Email/get', { accountId: account, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['threadId'] }, 'g'],
      ['Thread/get', { accountId: account, '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't'],
      ['Mailbox/set', { accountId: account, create: { k1: { name: 'Hồ sơ' } } }, 's'],
      ['Mailbox/set', { accountId: account, create: { k2: { name: 'Năm 2026', parentId: '#k1' } } }, 's2'],
      ['Mailbox/get', { accountId: account, ids: ['#k1', '#k2'], properties: ['name', 'parentId'] }, 'm'],
    );
    expect(out[0][1].ids).toHaveLength(3);
    expect(out[2][1].list.map((t: { emailIds: string[] }) => t.emailIds[0])).toEqual(out[0][1].ids);
    const [k1, k2] = out[5][1].list;
    expect(k1).toMatchObject({ name: 'Hồ sơ', parentId: null });
    expect(k2).toMatchObject({ name: 'Năm 2026', parentId: k1.id });
    expect((await r.app.store.listMailboxes(anId)).map((m) => m.name)).toContain('Hồ sơ/Năm 2026');
    const tree = await calls(
      ['Mailbox/query', { accountId: account, filter: { parentId: k1.id } }, 'children'],
      ['Mailbox/query', { accountId: account, sort: [{ property: 'sortOrder' }, { property: 'name' }] }, 'sorted'],
    );
    expect(tree[0][1].ids).toEqual([k2.id]);
    const [[, names]] = await calls(['Mailbox/get', { accountId: account, ids: tree[1][1].ids, properties: ['name'] }, 'n']);
    expect(names.list.map((m: { name: string }) => m.name)).toEqual(['INBOX', 'Archive', 'Drafts', 'Junk', 'Sent', 'Trash', 'Hồ sơ', 'Năm 2026']);
    const withIds = await api({ using: USING, methodCalls: [['Mailbox/get', { accountId: account, ids: ['#old'], properties: ['name'] }, 'x']], createdIds: { old: k1.id } });
    expect(withIds.json.methodResponses[0][1].list[0].name).toBe('Hồ sơ');
    expect(withIds.json.createdIds).toEqual({ old: k1.id });
  });

  it('gets an Email with its header forms, body parts and values, and downloads a part decoded', async () => {
    const [[, q]] = await calls(['Email/query', { accountId: account, filter: { hasKeyword: '$important' } }, 'q']);
    expect(q.ids).toHaveLength(1);
    const props = [
      'subject',
      'from',
      'to',
      'cc',
      'sentAt',
      'messageId',
      'references',
      'receivedAt',
      'keywords',
      'hasAttachment',
      'preview',
      'textBody',
      'htmlBody',
      'attachments',
      'bodyValues',
      'bodyStructure',
      'header:Subject',
      'header:Subject:asText',
      'header:To:asAddresses',
      'header:Cc:asGroupedAddresses',
      'header:X-Priority:asText:all',
      'header:References:asMessageIds',
      'header:Date:asDate',
    ];
    const [[, twice]] = await calls(['Email/get', { accountId: account, ids: [q.ids[0], q.ids[0]], properties: ['size'] }, 'g']);
    expect(twice.list).toHaveLength(1);
    const [[, got]] = await calls(['Email/get', { accountId: account, ids: q.ids, properties: props, fetchTextBodyValues: true, fetchHTMLBodyValues: true, maxBodyValueBytes: 20 }, 'g']);
    const e = got.list[0];
    expect(e).toMatchObject({
      subject: 'Giấy mời họp',
      from: [{ name: 'Lê Thị Bình', email: 'binhlt@kontum.gov.vn' }],
      to: [
        { name: 'Nguyễn Văn An', email: an },
        { name: null, email: 'vanthu@kontum.gov.vn' },
      ],
      sentAt: '2026-11-30T01:30:00Z',
      receivedAt: '2026-11-30T01:30:00Z',
      messageId: ['hop-30-11@kontum.gov.vn'],
      references: ['a@kontum.gov.vn', 'b@kontum.gov.vn'],
      keywords: { $important: true },
      hasAttachment: true,
      'header:Subject': ' =?UTF-8?Q?Gi=E1=BA=A5y_m=E1=BB=9Di_h=E1=BB=8Dp?=',
      'header:Subject:asText': 'Giấy mời họp',
      'header:X-Priority:asText:all': ['1'],
      'header:References:asMessageIds': ['a@kontum.gov.vn', 'b@kontum.gov.vn'],
      'header:Date:asDate': '2026-11-30T01:30:00Z',
      'header:Cc:asGroupedAddresses': [{ name: 'Phòng Tổ chức', addresses: [{ name: null, email: 'tochuc@kontum.gov.vn' }] }],
    });
    expect(e.preview).toBe('Kính gửi các đồng chí: họp lúc 8 giờ.');
    expect(e.textBody.map((p: { type: string }) => p.type)).toEqual(['text/plain']);
    expect(e.htmlBody.map((p: { type: string }) => p.type)).toEqual(['text/html']);
    expect(e.attachments).toEqual([expect.objectContaining({ type: 'application/pdf', name: 'bao-cao.pdf', disposition: 'attachment' })]);
    expect(e.bodyStructure.type).toBe('multipart/mixed');
    expect(e.bodyStructure.subParts.map((p: { type: string }) => p.type)).toEqual(['multipart/alternative', 'application/pdf']);
    const text = e.bodyValues[e.textBody[0].partId];
    expect(text).toEqual({ value: 'Kính gửi các đ', isEncodingProblem: false, isTruncated: true });
    expect(Buffer.byteLength(text.value)).toBeLessThanOrEqual(20);
    expect(e.bodyValues[e.htmlBody[0].partId].value).toMatch(/^<p>Kính/);
    const dl = await request(port, 'GET', `/jmap/download/${account}/${e.attachments[0].blobId}/bao-cao.pdf?type=application/pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(dl.status).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.body.toString('utf8')).toBe('%PDF-1.4 báo cáo\n');
    const missing = await request(port, 'GET', `/jmap/download/${account}/B1_99999/x.eml?type=message/rfc822`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
  });

  it('pages a query by position and anchor, with conditions on dates, sizes and keywords', async () => {
    const base = { accountId: account, filter: { subject: 'công văn' }, sort: [{ property: 'receivedAt', isAscending: true }] };
    const out = await calls(
      ['Email/query', { ...base }, 'all'],
      ['Email/query', { ...base, position: 2, limit: 2 }, 'page'],
      ['Email/query', { ...base, position: -2 }, 'tail'],
      ['Email/query', { accountId: account, filter: { operator: 'AND', conditions: [{ subject: 'cong van' }, { after: '2026-11-03T00:00:00Z', before: '2026-11-06T00:00:00Z' }] } }, 'dates'],
      ['Email/query', { accountId: account, filter: { subject: 'cong van', notKeyword: '$seen' } }, 'unseen'],
      ['Email/query', { accountId: account, filter: { operator: 'NOT', conditions: [{ subject: 'cong van' }] } }, 'not'],
      ['Email/query', { accountId: account, filter: { subject: 'cong van' }, sort: [{ property: 'size', isAscending: false }], limit: 1 }, 'biggest'],
    );
    const all = out[0][1].ids as string[];
    expect(out[0][1].total).toBe(7);
    expect(out[1][1]).toMatchObject({ position: 2, ids: all.slice(2, 4), total: 7 });
    expect(out[2][1]).toMatchObject({ position: 5, ids: all.slice(5) });
    expect(out[3][1].ids).toHaveLength(3);
    expect(out[4][1].ids).toHaveLength(4);
    expect(out[5][1].ids).toHaveLength(1);
    expect(out[6][1].ids).toEqual([all[6]]);
    const [[, anchored]] = await calls(['Email/query', { ...base, anchor: all[3], anchorOffset: -1, limit: 3 }, 'a']);
    expect(anchored).toMatchObject({ position: 2, ids: all.slice(2, 5) });
    const [[, bad]] = await calls(['Email/query', { ...base, anchor: 'E1_999999' }, 'b']);
    expect(bad.type).toBe('anchorNotFound');
  });

  it('pages Email/changes past maxChanges folder by folder, with intermediate states', async () => {
    const [[, before]] = await calls(['Email/get', { accountId: account, ids: [], properties: ['id'] }, 's']);
    const one = await r.app.store.append(anId, 'INBOX', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Một' }), []);
    const two = await r.app.store.append(anId, 'Archive', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Hai' }), []);
    const [[, first]] = await calls(['Email/changes', { accountId: account, sinceState: before.state, maxChanges: 1 }, 'c']);
    expect(first).toMatchObject({ hasMoreChanges: true, updated: [], destroyed: [] });
    expect(first.created).toHaveLength(1);
    const [[, second]] = await calls(['Email/changes', { accountId: account, sinceState: first.newState, maxChanges: 1 }, 'c']);
    expect(second.hasMoreChanges).toBe(false);
    expect([...first.created, ...second.created].sort()).toEqual([`E${one.mailboxId}_${one.uid}`, `E${two.mailboxId}_${two.uid}`].sort());
    const [[, done]] = await calls(['Email/changes', { accountId: account, sinceState: second.newState }, 'c']);
    expect(done).toMatchObject({ created: [], updated: [], destroyed: [], hasMoreChanges: false });
    await r.app.store.append(anId, 'INBOX', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Ba' }), []);
    await r.app.store.append(anId, 'INBOX', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Bốn' }), []);
    const [[, tooMany]] = await calls(['Email/changes', { accountId: account, sinceState: second.newState, maxChanges: 1 }, 'c']);
    expect(tooMany.type).toBe('cannotCalculateChanges');
  });

  it('uploads under maxSizeUpload, creates an Email from the blob with Email/set, and refuses a blob it does not have', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const s = await request(port, 'GET', '/jmap/session', { headers: auth });
    expect(s.json.capabilities['urn:ietf:params:jmap:core'].maxSizeUpload).toBe(1_000_000);
    const big = await request(port, 'POST', `/jmap/upload/${account}`, { headers: { ...auth, 'content-type': 'message/rfc822' }, body: Buffer.alloc(1_000_001, 0x61) });
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ type: 'urn:ietf:params:jmap:error:limit', limit: 'maxSizeUpload' });
    const raw = vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Tạo từ tệp tải lên' });
    const up = await request(port, 'POST', `/jmap/upload/${account}`, { headers: { ...auth, 'content-type': 'message/rfc822' }, body: raw });
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({ accountId: account, type: 'message/rfc822', size: raw.length });
    const back = await request(port, 'GET', `/jmap/download/${account}/${up.json.blobId}/x.eml?type=message/rfc822`, { headers: auth });
    expect(Buffer.compare(back.body, raw)).toBe(0);
    expect(back.headers['content-security-policy']).toMatch(/sandbox/);
    const other = await request(port, 'POST', '/jmap/upload/A999999', { headers: auth, body: raw });
    expect(other.status).toBe(404);
    const [[, boxes]] = await calls(['Mailbox/query', { accountId: account, filter: { role: 'drafts' } }, 'm']);
    const out = await calls(
      ['Email/set', { accountId: account, create: { d1: { blobId: up.json.blobId, mailboxIds: { [boxes.ids[0]]: true }, keywords: { $draft: true } } } }, 'c'],
      ['Email/get', { accountId: account, ids: ['#d1'], properties: ['subject', 'keywords', 'mailboxIds'] }, 'g'],
      ['Email/set', { accountId: account, create: { d2: { blobId: 'U' + 'a'.repeat(64), mailboxIds: { [boxes.ids[0]]: true } } } }, 'c2'],
      ['Email/set', { accountId: account, create: { d3: { blobId: up.json.blobId, mailboxIds: {} } } }, 'c3'],
    );
    expect(out[1][1].list[0]).toMatchObject({ subject: 'Tạo từ tệp tải lên', keywords: { $draft: true }, mailboxIds: { [boxes.ids[0]]: true } });
    expect(out[2][1].notCreated.d2.type).toBe('blobNotFound');
    expect(out[3][1].notCreated.d3.type).toBe('invalidProperties');
  });

  it('takes HTTP Basic over TLS: the account password while the second factor is off, app passwords always', async () => {
    const tls = r.servers.ports.https;
    const basic = (user: string, pass: string) => ({ authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') });
    const user = await r.user('hoapt');
    const uid = (await r.app.accounts.byAddress(user))!.id;
    const ok = await request(tls, 'GET', '/jmap/session', { secure: true, headers: basic(user, TEST_PASSWORD) });
    expect(ok.status).toBe(200);
    expect(ok.json.username).toBe(user);
    expect(ok.json.apiUrl).toBe(`https://127.0.0.1:${tls}/jmap/api`);
    // checked once: the next request with the same credentials costs no sign-in (history unchanged)
    const signIns = (await r.app.signIn.history(uid)).length;
    expect((await request(tls, 'GET', '/jmap/session', { secure: true, headers: basic(user, TEST_PASSWORD) })).status).toBe(200);
    expect((await r.app.signIn.history(uid)).length).toBe(signIns);
    const app = await r.app.appPasswords.add(uid, user, 'jmap-cli', 'test');
    const e = await r.app.secondFactor.enrol(uid, user);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(e.secret) });
    await r.app.secondFactor.confirm(uid, user, totp.generate(), 'test');
    // turning the second factor on ends the account's sessions: the remembered Basic sign-in with them
    const refused = await request(tls, 'GET', '/jmap/session', { secure: true, headers: basic(user, TEST_PASSWORD) });
    expect(refused.status).toBe(401);
    const viaApp = await request(tls, 'POST', '/jmap/api', {
      secure: true,
      headers: basic(user, app.password),
      body: { using: USING, methodCalls: [['Mailbox/get', { accountId: `A${uid}`, ids: null, properties: ['role'] }, 'm']] },
    });
    expect(viaApp.status).toBe(200);
    expect(viaApp.json.methodResponses[0][1].list.length).toBeGreaterThan(3);
    const history = await r.app.signIn.history(uid);
    expect(history.filter((h) => h.protocol === 'jmap').map((h) => h.outcome)).toEqual(expect.arrayContaining(['ok', 'app-password-required', 'ok-app-password']));
  });

  it('refuses credentials on plain HTTP from a remote client, and still redirects /.well-known/jmap', async () => {
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    const bearer = await request(port, 'POST', '/jmap/api', { headers: { ...remote, authorization: `Bearer ${token}` }, body: { using: USING, methodCalls: [] } });
    expect(bearer.status).toBe(403);
    expect(bearer.json.code).toBe('HTTPS_REQUIRED');
    const basic = await request(port, 'GET', '/jmap/session', { headers: { ...remote, authorization: 'Basic ' + Buffer.from(`${an}:${TEST_PASSWORD}`).toString('base64') } });
    expect(basic.status).toBe(403);
    const wk = await request(port, 'GET', '/.well-known/jmap', { headers: remote });
    expect(wk.status).toBe(307);
    expect(wk.headers.location).toBe('/jmap/session');
  });

  it('shows a delegated mailbox as a read-only account: $seen only, and the look audited', async () => {
    await r.user('stttt');
    const unitId = (await r.app.accounts.byAddress(UNIT))!.id;
    await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: 'vanthu@moha.gov.vn', to: UNIT, subject: 'Công văn đến' }), []);
    await r.app.delegations.grant(UNIT, an, ['read'], { actor: 'test' });
    const s = await request(port, 'GET', '/jmap/session', { headers: { authorization: `Bearer ${token}` } });
    const unit = `A${unitId}`;
    expect(s.json.accounts[unit]).toMatchObject({ name: UNIT, isPersonal: false, isReadOnly: true });
    expect(s.json.primaryAccounts['urn:ietf:params:jmap:mail']).toBe(account);
    const [[, q]] = await calls(['Email/query', { accountId: unit, filter: {} }, 'q']);
    const id = q.ids[0];
    const out = await calls(
      ['Email/set', { accountId: unit, update: { [id]: { 'keywords/$seen': true } } }, 'seen'],
      ['Email/set', { accountId: unit, update: { [id]: { 'keywords/$flagged': true } } }, 'flag'],
      ['Email/set', { accountId: unit, destroy: [id] }, 'destroy'],
      ['Mailbox/set', { accountId: unit, create: { x: { name: 'Riêng' } } }, 'mbox'],
      ['Email/get', { accountId: unit, ids: [id], properties: ['keywords'] }, 'get'],
    );
    expect(out[0][1].updated).toHaveProperty(id);
    expect(out[1][1].notUpdated[id].type).toBe('forbidden');
    expect(out[2][1].notDestroyed[id].type).toBe('forbidden');
    expect(out[3][1].notCreated.x.type).toBe('forbidden');
    expect(out[4][1].list[0].keywords).toEqual({ $seen: true });
    const audit = await r.app.mailboxAccess.list(10, { owner: UNIT });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit[0]).toMatchObject({ actor: an, action: 'mailbox.open' });
    expect(audit.map((a) => JSON.parse(a.details))).toContainEqual(expect.objectContaining({ protocol: 'jmap', folder: 'INBOX', readOnly: true }));
    expect(audit.filter((a) => JSON.parse(a.details).folder === 'INBOX')).toHaveLength(1); // once per credential and folder
    await r.app.delegations.revoke(UNIT, an, { actor: 'test' });
    const [[, gone]] = await calls(['Email/get', { accountId: unit, ids: [id] }, 'g']);
    expect(gone.type).toBe('accountNotFound');
  });
});
