// The LDAP server at the protocol level, through a raw socket and the client half of our codec:
// what ldapsearch cannot make it do — SASL, critical controls, paged-results cookies, abandon,
// refused updates, unbind — and its limits: failed binds per address, connections per address,
// idle timeout, oversized messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { BerWriter, Tag } from '../../src/ldap/protocol/ber.ts';
import {
  decodeResponse,
  encodeAbandonRequest,
  encodeBindRequest,
  encodeExtendedRequest,
  encodeSaslBindRequest,
  encodeSearchRequest,
  encodeUnbindRequest,
  type DecodedResponse,
  type SearchParams,
} from '../../src/ldap/protocol/client.ts';
import { Oid, Op, ResultCode, Scope } from '../../src/ldap/protocol/constants.ts';
import { decodePagedResults, pagedResultsControl, type Control } from '../../src/ldap/protocol/controls.ts';
import { LdapFramer } from '../../src/ldap/protocol/framer.ts';
import { parseFilter } from '../../src/ldap/protocol/filter.ts';

const BASE = 'dc=kontum,dc=gov,dc=vn';

/** A minimal LDAP client: write requests, read responses in order. */
class RawClient {
  private framer = new LdapFramer();
  private inbox: DecodedResponse[] = [];
  private waiter: (() => void) | null = null;
  closed = false;
  private nextId = 1;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  /** `from`: the loopback address to connect from, so per-address limits of one test do not see another's. */
  static async connect(port: number, secure: boolean, from = '127.0.0.1'): Promise<RawClient> {
    const raw = net.connect({ port, host: '127.0.0.1', localAddress: from });
    const socket = secure ? tls.connect({ socket: raw, rejectUnauthorized: false }) : raw;
    await new Promise<void>((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before connecting')));
    });
    return new RawClient(socket);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (b: Buffer) => {
      for (const m of this.framer.push(b)) this.inbox.push(decodeResponse(m));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  id(): number {
    return this.nextId++;
  }

  send(buf: Buffer): void {
    this.socket.write(buf);
  }

  /** The next response, or null once the server has closed the connection. */
  async next(): Promise<DecodedResponse | null> {
    while (!this.inbox.length) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.inbox.shift()!;
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiter = resolve));
  }

  async bind(name: string, password: string): Promise<DecodedResponse> {
    this.send(encodeBindRequest(this.id(), name, password));
    return (await this.next())!;
  }

  /** Entries and the SearchResultDone of one search. */
  async search(p: Omit<Partial<SearchParams>, 'filter'> & { filter: string }, controls: Control[] = []): Promise<{ entries: DecodedResponse[]; done: DecodedResponse }> {
    this.send(encodeSearchRequest(this.id(), { baseObject: BASE, scope: Scope.sub, ...p, filter: parseFilter(p.filter) }, controls));
    const entries: DecodedResponse[] = [];
    for (;;) {
      const r = await this.next();
      if (!r) throw new Error('connection closed during search');
      if (r.opTag === Op.SEARCH_RESULT_DONE) return { entries, done: r };
      entries.push(r);
    }
  }

  async startTls(): Promise<DecodedResponse> {
    this.send(encodeExtendedRequest(this.id(), Oid.startTls));
    const res = (await this.next())!;
    if (res.code === 0) {
      this.socket.removeAllListeners('data');
      this.socket.removeAllListeners('close');
      const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
      await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
      this.socket = secure;
      this.framer = new LdapFramer();
      this.listen(secure);
    }
    return res;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function addPeople(r: Running): Promise<string[]> {
  const d = r.app.directory;
  const ctx = { actor: 'test' };
  await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', withMailbox: false }, ctx);
  const out: string[] = [];
  for (const name of ['Nguyễn Văn An', 'Đặng Thị Hương', 'Trần Đăng Khoa', 'Lê Thị Bình', 'Phạm Minh Châu']) {
    out.push((await d.createPerson({ fullName: name, unitCode: 'SNV', password: TEST_PASSWORD }, ctx)).address);
  }
  return out;
}

describe('LDAP protocol behaviour', () => {
  let r: Running;
  let people: string[];
  let c: RawClient;

  beforeAll(async () => {
    r = await startTestServers();
    people = await addPeople(r);
  }, 60_000);
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  async function bound(): Promise<RawClient> {
    c?.close();
    c = await RawClient.connect(r.servers.ports.ldaps, true);
    expect((await c.bind(people[0], TEST_PASSWORD)).code).toBe(ResultCode.success);
    return c;
  }

  it('SASL binds get authMethodNotSupported; LDAPv2 protocolError; a name without password unwillingToPerform', async () => {
    c = await RawClient.connect(r.servers.ports.ldaps, true);
    c.send(encodeSaslBindRequest(c.id(), 'GSSAPI'));
    expect((await c.next())!.code).toBe(ResultCode.authMethodNotSupported);
    const v2 = new BerWriter().start(Tag.SEQUENCE).integer(c.id()).start(Op.BIND_REQUEST).integer(2).string('').string('', 0x80).end().end().toBuffer();
    c.send(v2);
    expect((await c.next())!.code).toBe(ResultCode.protocolError);
    expect((await c.bind(people[0], '')).code).toBe(ResultCode.unwillingToPerform);
  });

  it('StartTLS upgrades the plain port once; binding then works; a second StartTLS is operationsError', async () => {
    c?.close();
    c = await RawClient.connect(r.servers.ports.ldap, false);
    expect((await c.bind(people[0], TEST_PASSWORD)).code).toBe(ResultCode.confidentialityRequired);
    const st = await c.startTls();
    expect(st).toMatchObject({ code: 0, responseName: Oid.startTls });
    expect((await c.bind(people[0], TEST_PASSWORD)).code).toBe(ResultCode.success);
    expect((await c.startTls()).code).toBe(ResultCode.operationsError);
  });

  it('WhoAmI: empty when anonymous, the DN when bound; a failed rebind drops the earlier authorisation', async () => {
    c?.close();
    c = await RawClient.connect(r.servers.ports.ldaps, true);
    c.send(encodeExtendedRequest(c.id(), Oid.whoAmI));
    expect((await c.next())!.responseValue ?? Buffer.alloc(0)).toEqual(Buffer.alloc(0));
    await c.bind(people[1], TEST_PASSWORD);
    c.send(encodeExtendedRequest(c.id(), Oid.whoAmI));
    expect((await c.next())!.responseValue!.toString()).toBe(`dn:uid=${people[1].split('@')[0]},ou=people,${BASE}`);
    expect((await c.search({ filter: '(cn=*dang*)' })).done.code).toBe(ResultCode.success);
    expect((await c.bind(people[1], 'Sai#matkhau9')).code).toBe(ResultCode.invalidCredentials);
    expect((await c.search({ filter: '(cn=*dang*)' })).done.code).toBe(ResultCode.insufficientAccessRights);
  });

  it('an unknown critical control fails the search (12); an unknown non-critical one is ignored', async () => {
    await bound();
    const critical = await c.search({ filter: '(cn=*dang*)' }, [{ oid: '1.2.3.4.5', critical: true, value: null }]);
    expect(critical.done.code).toBe(ResultCode.unavailableCriticalExtension);
    expect(critical.entries).toHaveLength(0);
    const optional = await c.search({ filter: '(cn=*dang*)' }, [{ oid: '1.2.3.4.5', critical: false, value: null }]);
    expect(optional.done.code).toBe(ResultCode.success);
    expect(optional.entries).toHaveLength(2);
  });

  it('paged results: pages of 2 with cookies, the last without; a reused or foreign cookie is refused; size 0 abandons', async () => {
    await bound();
    const filter = '(objectClass=inetOrgPerson)';
    const seen: string[] = [];
    let cookie: Buffer = Buffer.alloc(0);
    const cookies: Buffer[] = [];
    for (let page = 0; page < 10; page++) {
      const res = await c.search({ filter, attributes: ['mail'] }, [pagedResultsControl({ size: 2, cookie }, true)]);
      expect(res.done.code).toBe(ResultCode.success);
      seen.push(...res.entries.map((e) => e.attributes![0].values[0]));
      const ctl = decodePagedResults(res.done.controls.find((x) => x.oid === Oid.pagedResults)!.value);
      cookie = ctl.cookie;
      if (!cookie.length) break;
      expect(ctl.size).toBe(5);
      cookies.push(cookie);
    }
    expect(seen.sort()).toEqual([...people].sort());
    expect(cookies).toHaveLength(2);
    const reused = await c.search({ filter, attributes: ['mail'] }, [pagedResultsControl({ size: 2, cookie: cookies[0] })]);
    expect(reused.done.code).toBe(ResultCode.unwillingToPerform);

    const first = await c.search({ filter }, [pagedResultsControl({ size: 1, cookie: Buffer.alloc(0) })]);
    const live = decodePagedResults(first.done.controls[0].value).cookie;
    const foreign = await c.search({ filter: '(cn=*)' }, [pagedResultsControl({ size: 1, cookie: live })]);
    expect(foreign.done.code).toBe(ResultCode.unwillingToPerform);
    const again = await c.search({ filter }, [pagedResultsControl({ size: 1, cookie: Buffer.alloc(0) })]);
    const cookie2 = decodePagedResults(again.done.controls[0].value).cookie;
    const abandon = await c.search({ filter }, [pagedResultsControl({ size: 0, cookie: cookie2 })]);
    expect(abandon.done.code).toBe(ResultCode.success);
    expect(abandon.entries).toHaveLength(0);
    expect((await c.search({ filter }, [pagedResultsControl({ size: 1, cookie: cookie2 })])).done.code).toBe(ResultCode.unwillingToPerform);
  });

  it('an abandoned search that has not started gets no answer at all', async () => {
    await bound();
    const id = c.id();
    c.send(
      Buffer.concat([encodeSearchRequest(id, { baseObject: BASE, scope: Scope.sub, filter: parseFilter('(cn=*dang*)') }), encodeAbandonRequest(c.id(), id), encodeExtendedRequest(c.id(), Oid.whoAmI)]),
    );
    const next = (await c.next())!;
    expect(next.opTag).toBe(Op.EXTENDED_RESPONSE);
  });

  it('updates and compare are refused with unwillingToPerform, each with its own response', async () => {
    await bound();
    const id = c.id();
    const modify = new BerWriter().start(Tag.SEQUENCE).integer(id).start(Op.MODIFY_REQUEST).string(`uid=x,ou=people,${BASE}`).start(Tag.SEQUENCE).end().end().end().toBuffer();
    c.send(modify);
    expect(await c.next()).toMatchObject({ messageId: id, opTag: Op.MODIFY_RESPONSE, code: ResultCode.unwillingToPerform });
    const cid = c.id();
    const compare = new BerWriter()
      .start(Tag.SEQUENCE)
      .integer(cid)
      .start(Op.COMPARE_REQUEST)
      .string(`uid=x,ou=people,${BASE}`)
      .start(Tag.SEQUENCE)
      .string('cn')
      .string('x')
      .end()
      .end()
      .end()
      .toBuffer();
    c.send(compare);
    expect(await c.next()).toMatchObject({ messageId: cid, opTag: Op.COMPARE_RESPONSE, code: ResultCode.unwillingToPerform });
  });

  it('unbind closes the connection without an answer', async () => {
    await bound();
    c.send(encodeUnbindRequest(c.id()));
    await c.waitClosed();
    expect(await c.next()).toBeNull();
  });

  it('a message announced larger than the limit is a protocolError notice and a close', async () => {
    c?.close();
    c = await RawClient.connect(r.servers.ports.ldap, false);
    c.send(Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00]));
    expect(await c.next()).toMatchObject({ messageId: 0, code: ResultCode.protocolError, responseName: Oid.noticeOfDisconnection });
    await c.waitClosed();
  });
});

describe('LDAP limits', () => {
  let r: Running;
  let address: string;

  beforeAll(async () => {
    r = await startTestServers({ config: { ldap: { maxConnectionsPerIp: 2, idleTimeoutMs: 700 }, security: { signIn: { accountMaxFailures: 2 } } } });
    address = await r.user('annv');
  }, 60_000);
  afterAll(async () => {
    await r?.stop();
  });

  it('a third connection from the same address is told busy and closed; over LDAPS it is dropped', async () => {
    const a = await RawClient.connect(r.servers.ports.ldap, false, '127.0.0.2');
    const b = await RawClient.connect(r.servers.ports.ldap, false, '127.0.0.2'); // same listener: accepted in connection order
    const third = await RawClient.connect(r.servers.ports.ldap, false, '127.0.0.2');
    expect(await third.next()).toMatchObject({ messageId: 0, code: ResultCode.busy });
    await third.waitClosed();
    // LDAPS counts from the TCP accept: refused before any handshake
    await expect(RawClient.connect(r.servers.ports.ldaps, true, '127.0.0.2')).rejects.toThrow();
    a.close();
    b.close();
    await Promise.all([a.waitClosed(), b.waitClosed()]);
  });

  it('an idle connection gets a notice and is closed', async () => {
    const a = await RawClient.connect(r.servers.ports.ldap, false, '127.0.0.4');
    expect(await a.next()).toMatchObject({ messageId: 0, code: ResultCode.unavailable });
    await a.waitClosed();
  });

  it('after too many failed binds on an account from a new address even the right password is refused there', async () => {
    const a = await RawClient.connect(r.servers.ports.ldaps, true, '127.0.0.3');
    expect((await a.bind(address, 'Sai#matkhau1')).code).toBe(ResultCode.invalidCredentials);
    expect((await a.bind(address, 'Sai#matkhau2')).code).toBe(ResultCode.invalidCredentials);
    const blocked = await a.bind(address, TEST_PASSWORD);
    expect(blocked.code).toBe(ResultCode.invalidCredentials);
    expect(blocked.message).toMatch(/Quá nhiều lần/);
    a.close();
  });
});
