// One LDAP connection: frames and decodes requests as bytes arrive, runs them one after another
// in order, keeps the bind state and the paged-search cookies, upgrades to TLS on StartTLS,
// and closes with a Notice of Disconnection on malformed input or when idle. Requests from an
// unauthenticated connection may read the root DSE only.
import crypto from 'node:crypto';
import type net from 'node:net';
import type tls from 'node:tls';
import { upgradeToTls } from '../net/listen.ts';
import type { Logger } from 'pino';
import { diagnostic, type BindHandler, type BoundUser } from './bind.ts';
import type { DirectoryTree } from './directory-tree.ts';
import { attributeSelection, selectAttributes, selects, type LdapEntry } from './entry.ts';
import type { DirectorySearch } from './search.ts';
import { BerError } from './protocol/ber.ts';
import { Oid, ResultCode, Scope } from './protocol/constants.ts';
import { decodePagedResults, pagedResultsControl, type Control, type PagedResults } from './protocol/controls.ts';
import { filterToString } from './protocol/filter.ts';
import { LdapFramer } from './protocol/framer.ts';
import { decodeRequest, OperationDecodeError, type LdapRequest, type SearchRequest } from './protocol/requests.ts';
import { encodeBindResponse, encodeExtendedResponse, encodeNoticeOfDisconnection, encodeResult, encodeSearchDone, encodeSearchEntries, type LdapResult } from './protocol/responses.ts';

export interface SessionContext {
  log: Logger;
  tree: DirectoryTree;
  search: DirectorySearch;
  binder: BindHandler;
  secureContext: tls.SecureContext | null;
  idleTimeoutMs: number;
  maxMessageSize?: number;
}

interface PagedState {
  key: string;
  entries: LdapEntry[];
  next: number;
  final: LdapResult;
}

const MAX_PAGED_STATES = 8;
const MAX_QUEUED = 32;

/** Controls each operation understands; an unknown critical control fails the operation. */
const KNOWN_CONTROLS: Record<string, string[]> = {
  search: [Oid.pagedResults, Oid.manageDsaIt],
  bind: [Oid.manageDsaIt],
  extended: [Oid.manageDsaIt],
  refused: [Oid.manageDsaIt],
};

let nextSessionId = 1;

export class LdapSession {
  readonly id = nextSessionId++;
  readonly remote: string;
  user: BoundUser | null = null;
  secure: boolean;
  private socket: net.Socket;
  private framer: LdapFramer;
  private readonly queue: LdapRequest[] = [];
  private readonly abandoned = new Set<number>();
  private readonly paged = new Map<string, PagedState>();
  private running: number | null = null;
  private pumping = false;
  private closed = false;
  private readonly log: Logger;

  constructor(
    socket: net.Socket,
    private readonly ctx: SessionContext,
    opts: { implicitTls: boolean },
  ) {
    this.socket = socket;
    this.secure = opts.implicitTls;
    this.remote = socket.remoteAddress ?? 'unknown';
    this.log = ctx.log.child({ ldap: this.id, remote: this.remote });
    this.framer = new LdapFramer(ctx.maxMessageSize);
    this.attach(socket);
  }

  private detach: () => void = () => {};

  private attach(socket: net.Socket): void {
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onError = (e: Error) => this.log.debug({ err: e.message }, 'ldap socket error');
    const onClose = () => this.onClose();
    const onTimeout = () => this.disconnect(ResultCode.unavailable, 'Hết thời gian chờ / idle timeout');
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('timeout', onTimeout);
    socket.setTimeout(this.ctx.idleTimeoutMs);
    this.detach = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('timeout', onTimeout);
      socket.setTimeout(0);
    };
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (e) {
      this.disconnect(ResultCode.protocolError, `Dữ liệu không hợp lệ / malformed message: ${(e as Error).message}`);
      return;
    }
    for (const m of messages) {
      let req: LdapRequest;
      try {
        req = decodeRequest(m);
      } catch (e) {
        if (!(e instanceof BerError)) this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'ldap request decoder failed');
        if (e instanceof OperationDecodeError) this.log.debug({ messageId: e.messageId, op: e.opTag, err: e.message }, 'ldap undecodable operation');
        this.disconnect(ResultCode.protocolError, `Yêu cầu không hợp lệ / malformed request: ${(e as Error).message}`);
        return;
      }
      if (req.op.type === 'abandon') {
        const target = req.op.messageId;
        if (this.running === target || this.queue.some((q) => q.messageId === target)) this.abandoned.add(target);
        continue;
      }
      this.queue.push(req);
    }
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const req = this.queue.shift()!;
        if (this.queue.length <= MAX_QUEUED / 2 && this.socket.isPaused()) this.socket.resume();
        if (this.abandoned.delete(req.messageId)) continue;
        this.running = req.messageId;
        try {
          await this.handle(req);
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e), op: req.op.type }, 'ldap operation failed');
          this.answerError(req, { code: ResultCode.other, message: 'Lỗi máy chủ / internal server error' });
        } finally {
          this.abandoned.delete(req.messageId);
          this.running = null;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async handle(req: LdapRequest): Promise<void> {
    const op = req.op;
    if (op.type === 'unbind') {
      this.close();
      return;
    }
    if (op.type === 'abandon') return;
    const unknown = req.controls.find((c) => c.critical && !(KNOWN_CONTROLS[op.type] ?? []).includes(c.oid));
    if (unknown) {
      this.answerError(req, { code: ResultCode.unavailableCriticalExtension, message: `Không hỗ trợ control / unsupported critical control ${unknown.oid}` });
      return;
    }
    switch (op.type) {
      case 'bind': {
        this.paged.clear();
        const out = await this.ctx.binder.bind(op, { remote: this.remote, secure: this.secure });
        this.user = out.user;
        this.write(encodeBindResponse(req.messageId, out.result));
        return;
      }
      case 'search':
        await this.search(req.messageId, op, req.controls);
        return;
      case 'extended':
        await this.extended(req.messageId, op.oid);
        return;
      case 'refused':
        this.write(encodeResult(req.messageId, op.responseTag, { code: ResultCode.unwillingToPerform, message: diagnostic('LDAP_READ_ONLY') }));
        return;
    }
  }

  /** The error answer for an operation that has one (unbind and abandon have none). */
  private answerError(req: LdapRequest, result: LdapResult): void {
    switch (req.op.type) {
      case 'bind':
        this.write(encodeBindResponse(req.messageId, result));
        return;
      case 'search':
        this.write(encodeSearchDone(req.messageId, result));
        return;
      case 'extended':
        this.write(encodeExtendedResponse(req.messageId, result));
        return;
      case 'refused':
        this.write(encodeResult(req.messageId, req.op.responseTag, result));
        return;
      default:
        return;
    }
  }

  // ---- search ----

  private async search(id: number, req: SearchRequest, controls: Control[]): Promise<void> {
    const rootDse = req.baseObject.trim() === '' && req.scope === Scope.base;
    if (!this.user && !rootDse) {
      this.write(encodeSearchDone(id, { code: ResultCode.insufficientAccessRights, message: diagnostic('LDAP_BIND_REQUIRED') }));
      return;
    }
    const pagedControl = controls.find((c) => c.oid === Oid.pagedResults);
    if (!pagedControl) {
      const out = await this.ctx.search.run(req);
      if (!(await this.sendEntries(id, req, out.entries))) return;
      this.write(encodeSearchDone(id, { code: out.code, matchedDN: out.matchedDN, message: out.message }));
      return;
    }
    let page: PagedResults;
    try {
      page = decodePagedResults(pagedControl.value);
    } catch (e) {
      this.write(encodeSearchDone(id, { code: ResultCode.protocolError, message: `Control phân trang không hợp lệ / bad paged results control: ${(e as Error).message}` }));
      return;
    }
    const key = `${req.baseObject.toLowerCase()}\0${req.scope}\0${filterToString(req.filter)}`;
    let state: PagedState;
    if (page.cookie.length) {
      const cookie = page.cookie.toString('hex');
      const found = this.paged.get(cookie);
      this.paged.delete(cookie);
      if (!found || found.key !== key) {
        this.write(encodeSearchDone(id, { code: ResultCode.unwillingToPerform, message: 'Cookie phân trang không hợp lệ / invalid paged results cookie' }));
        return;
      }
      state = found;
    } else {
      const out = await this.ctx.search.run(req);
      state = { key, entries: out.entries, next: 0, final: { code: out.code, matchedDN: out.matchedDN, message: out.message } };
    }
    if (page.size === 0) {
      // RFC 2696: a size of zero abandons the paged search.
      this.write(encodeSearchDone(id, { code: ResultCode.success }, [pagedResultsControl({ size: 0, cookie: Buffer.alloc(0) })]));
      return;
    }
    const slice = state.entries.slice(state.next, state.next + page.size);
    state.next += slice.length;
    if (!(await this.sendEntries(id, req, slice))) return;
    if (state.next < state.entries.length) {
      const cookie = crypto.randomBytes(8);
      if (this.paged.size >= MAX_PAGED_STATES) this.paged.delete(this.paged.keys().next().value!);
      this.paged.set(cookie.toString('hex'), state);
      this.write(encodeSearchDone(id, { code: ResultCode.success }, [pagedResultsControl({ size: state.entries.length, cookie })]));
    } else {
      this.write(encodeSearchDone(id, state.final, [pagedResultsControl({ size: 0, cookie: Buffer.alloc(0) })]));
    }
  }

  /** Write the entries; false when the search was abandoned or the connection closed meanwhile. */
  private async sendEntries(id: number, req: SearchRequest, entries: LdapEntry[]): Promise<boolean> {
    const sel = attributeSelection(req.attributes);
    if (selects(sel, 'member')) for (const e of entries) if (e.kind === 'list') await this.ctx.tree.fillMembers(e);
    if (this.closed || this.abandoned.has(id)) return false;
    if (entries.length)
      this.socket.write(
        encodeSearchEntries(
          id,
          entries.map((e) => ({ dn: e.dn, attributes: selectAttributes(e, sel) })),
          req.typesOnly,
        ),
      );
    return true;
  }

  // ---- extended operations ----

  private async extended(id: number, oid: string): Promise<void> {
    if (oid === Oid.startTls) {
      if (this.secure) {
        this.write(encodeExtendedResponse(id, { code: ResultCode.operationsError, message: 'Đã dùng TLS / TLS already established' }));
        return;
      }
      if (!this.ctx.secureContext) {
        this.write(encodeExtendedResponse(id, { code: ResultCode.unavailable, message: 'TLS không khả dụng / TLS not available' }));
        return;
      }
      this.write(encodeExtendedResponse(id, { code: ResultCode.success }, Oid.startTls));
      await this.startTls(this.ctx.secureContext);
      return;
    }
    if (oid === Oid.whoAmI) {
      this.write(encodeExtendedResponse(id, { code: ResultCode.success }, null, Buffer.from(this.user ? `dn:${this.user.dn}` : '')));
      return;
    }
    this.write(encodeExtendedResponse(id, { code: ResultCode.protocolError, message: `Không hỗ trợ / unsupported extended operation ${oid}` }));
  }

  /** Wrap the socket in TLS after the StartTLS response; requests pipelined before it are dropped. */
  private async startTls(secureContext: tls.SecureContext): Promise<void> {
    this.queue.length = 0;
    const raw = this.socket;
    this.detach();
    await upgradeToTls(raw, secureContext, (secure) => {
      this.socket = secure;
      this.framer = new LdapFramer(this.ctx.maxMessageSize);
      this.attach(secure);
    });
    this.secure = true;
  }

  // ---- output and closing ----

  private write(buf: Buffer): void {
    if (!this.closed) this.socket.write(buf);
  }

  /** Send a Notice of Disconnection and close (RFC 4511 4.4.1). */
  disconnect(code: number, message: string): void {
    if (this.closed) return;
    this.log.debug({ code, message }, 'ldap disconnect');
    this.socket.write(encodeNoticeOfDisconnection({ code, message }));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.paged.clear();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private onClose(): void {
    this.closed = true;
    this.queue.length = 0;
    this.paged.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
