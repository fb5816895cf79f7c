// Owns: copying one mailbox from another IMAP server into a thutin account, as imapsync does —
// every folder (modified UTF-7 names decoded by imapflow, nested levels joined with '/', special use
// mapped onto the account's folders: src/transfer/folders.ts), each message with its flags,
// keywords and internal date, written through the core (src/transfer/writer.ts: ingest + commit,
// in UID order, origin `migration`: not journaled, not counted as mail received), never through
// our IMAP server. Per folder it resumes after the last UID copied (src/migrate/state.ts, saved as
// it goes) and skips what the target folder already holds by Message-ID and size (or, without Message-ID, by size and internal date), so a run after an
// interruption or a second pass on cut-over night copies only what is new.
import { ImapFlow, type ListResponse } from 'imapflow';
import type { MailStore } from '../core/mailstore.ts';
import { normalizeMessageId } from '../core/mime/message-headers.ts';
import { canonicalMailboxName, HIERARCHY_SEPARATOR } from '../core/mailboxes.ts';
import { FolderResolver } from '../transfer/folders.ts';
import { MessageWriter } from '../transfer/writer.ts';
import { loadState, saveState, stateFile, type FolderState, type MailboxState } from './state.ts';
import type { MailboxMapping } from './users-csv.ts';

export interface SourceServer {
  host: string;
  port: number;
  /** Implicit TLS (imaps://); STARTTLS otherwise (imap://). */
  secure: boolean;
  /** Accept a certificate that does not verify (an old server's self-signed one). */
  insecure: boolean;
  /** Administrator credentials for SASL PLAIN proxy-auth (authzid = the mailbox's login): Dovecot master users. */
  admin?: { user: string; password: string };
}

export interface MailboxReport {
  source: string;
  target: string;
  folders: number;
  /** Messages in the source folders. */
  found: number;
  /** Copied by this run. */
  copied: number;
  /** Skipped by this run: already in the target folder (Message-ID and size), or a duplicate in the source. */
  skipped: number;
  failed: number;
  /** Copied, skipped or failed by earlier runs (not looked at again). */
  earlier: number;
  /** The first failures, for the operator. */
  errors: string[];
  /** Set when the mailbox could not be migrated at all (sign-in refused, unknown account …). */
  error?: string;
  interrupted?: boolean;
  durationMs: number;
}

export interface MailboxHooks {
  /** How many messages this run will look at in the mailbox (known once its folders are listed). */
  start?(total: number): void;
  /** Messages looked at (copied, skipped or failed). */
  advance?(n: number): void;
  signal?: AbortSignal;
}

/** The thutin folder name of a source path: levels joined with '/', NFC. */
export function targetFolderName(f: Pick<ListResponse, 'path' | 'delimiter'>): string {
  if (f.path.toUpperCase() === 'INBOX') return 'INBOX';
  const levels = f.delimiter ? f.path.split(f.delimiter) : [f.path];
  return canonicalMailboxName(levels.map((l) => l.replaceAll(HIERARCHY_SEPARATOR, '_')).join(HIERARCHY_SEPARATOR));
}

function dupKey(messageId: string | null, size: number, internalDate: number): string {
  return messageId ? `${messageId}\u0000${size}` : `#${size}\u0000${Math.floor(internalDate / 1000)}`;
}

function messageIdOf(headers: Buffer | undefined): string | null {
  if (!headers) return null;
  const m = /^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headers.toString('latin1'));
  return m ? normalizeMessageId(m[1].replace(/\r?\n/g, '')) : null;
}

/** The Message-ID + size keys of what a thutin folder holds already. */
async function targetKeys(store: MailStore, accountId: number, folder: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const mb = await store.getMailbox(accountId, folder);
  if (!mb) return keys;
  const metas = await store.listMessages(mb.id);
  for (let i = 0; i < metas.length; i += 500) {
    const chunk = metas.slice(i, i + 500);
    const idx = await store.indexesOf(chunk);
    for (const m of chunk) keys.add(dupKey(idx.get(m)?.messageId ?? null, m.size, m.internalDate));
  }
  return keys;
}

/** The UIDs of a folder done in order: the state's lastUid is the end of the done prefix. */
class DoneTracker {
  private next = 0;
  private readonly done = new Set<number>();
  constructor(
    private readonly uids: number[],
    private readonly fs: FolderState,
  ) {}
  mark(uid: number): void {
    this.done.add(uid);
    while (this.next < this.uids.length && this.done.has(this.uids[this.next])) {
      this.fs.lastUid = this.uids[this.next];
      this.done.delete(this.uids[this.next]);
      this.next++;
    }
  }
}

interface SourceMessage {
  uid: number;
  flags: string[];
  internalDate: number;
  size: number;
  messageId: string | null;
}

const BATCH_MESSAGES = 200;
const BATCH_BYTES = 24 * 1024 * 1024;
const SAVE_EVERY_MS = 500;

export function imapClient(server: SourceServer, m: Pick<MailboxMapping, 'source' | 'password'>): ImapFlow {
  const auth = server.admin ? { user: server.admin.user, pass: server.admin.password, authzid: m.source, loginMethod: 'AUTH=PLAIN' } : { user: m.source, pass: m.password };
  return new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    doSTARTTLS: server.secure ? undefined : true,
    tls: { rejectUnauthorized: !server.insecure },
    auth,
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 5 * 60_000,
  });
}

/** Migrate one mapped mailbox; never throws (a failure is in the report). */
export async function migrateMailbox(store: MailStore, accountId: number, server: SourceServer, m: MailboxMapping, stateDir: string, hooks: MailboxHooks = {}): Promise<MailboxReport> {
  const began = Date.now();
  const report: MailboxReport = { source: m.source, target: m.target, folders: 0, found: 0, copied: 0, skipped: 0, failed: 0, earlier: 0, errors: [], durationMs: 0 };
  const file = stateFile(stateDir, m.source, m.target);
  const state = loadState(file, m.source, m.target);
  const client = imapClient(server, m);
  const writer = new MessageWriter(store, 'migration');
  client.on('error', () => undefined); // socket errors end the current command, which reports them
  let lastSave = Date.now();
  const save = (force = false) => {
    if (!force && Date.now() - lastSave < SAVE_EVERY_MS) return;
    saveState(file, state);
    lastSave = Date.now();
  };
  const fail = (what: string, e: unknown) => {
    report.failed++;
    state.totals.failed++;
    if (report.errors.length < 20) report.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  };
  try {
    await client.connect();
    const list = (await client.list({ statusQuery: { messages: true, uidValidity: true, uidNext: true } })).sort((a, b) =>
      a.path.toUpperCase() === 'INBOX' ? -1 : b.path.toUpperCase() === 'INBOX' ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
    const selectable = list.filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'));
    report.folders = list.length;
    let total = 0;
    for (const f of selectable) {
      const n = f.status?.messages ?? 0;
      report.found += n;
      const fs = state.folders[f.path];
      const same = fs && f.status?.uidValidity !== undefined && fs.uidvalidity === String(f.status.uidValidity);
      const ahead = same && f.status?.uidNext ? Math.max(0, f.status.uidNext - 1 - fs.lastUid) : n;
      total += Math.min(n, ahead);
    }
    report.earlier = Math.max(0, report.found - total);
    hooks.start?.(total);
    const resolver = new FolderResolver(store, accountId);
    for (const f of list) {
      if (hooks.signal?.aborted) break;
      // Only a special use the server declares (SPECIAL-USE, XLIST) moves a folder onto the account's
      // own; imapflow's guesses from names ("Lưu trữ" → \Archive) would merge a user's folder into it.
      const use = f.specialUseSource === 'name' ? null : (f.specialUse ?? null);
      const target = await resolver.resolve(targetFolderName(f), use);
      if (!selectable.includes(f)) continue;
      const mb = await client.mailboxOpen(f.path, { readOnly: true });
      const uidvalidity = String(mb.uidValidity);
      let fs = state.folders[f.path];
      if (!fs || fs.uidvalidity !== uidvalidity) fs = state.folders[f.path] = { uidvalidity, lastUid: 0 };
      if (!mb.exists) {
        save(true);
        continue;
      }
      // What is new in the source since the last UID copied.
      const fresh: SourceMessage[] = [];
      for await (const x of client.fetch(`${fs.lastUid + 1}:*`, { uid: true, flags: true, internalDate: true, size: true, headers: ['message-id'] }, { uid: true })) {
        if (x.uid <= fs.lastUid) continue; // "n:*" names the last message even when its UID is below n
        const date = x.internalDate instanceof Date ? x.internalDate.getTime() : x.internalDate ? Date.parse(String(x.internalDate)) : Date.now();
        fresh.push({ uid: x.uid, flags: [...(x.flags ?? [])], internalDate: date, size: x.size ?? 0, messageId: messageIdOf(x.headers) });
      }
      fresh.sort((a, b) => a.uid - b.uid);
      if (!fresh.length) continue;
      const have = await targetKeys(store, accountId, target);
      const tracker = new DoneTracker(
        fresh.map((x) => x.uid),
        fs,
      );
      const copy: SourceMessage[] = [];
      for (const x of fresh) {
        const key = dupKey(x.messageId, x.size, x.internalDate);
        if (have.has(key)) {
          report.skipped++;
          state.totals.skipped++;
          tracker.mark(x.uid);
          hooks.advance?.(1);
        } else {
          have.add(key); // a second copy in the source is a duplicate too
          copy.push(x);
        }
      }
      const byUid = new Map(copy.map((x) => [x.uid, x]));
      for (let i = 0; i < copy.length && !hooks.signal?.aborted;) {
        const batch: SourceMessage[] = [];
        let bytes = 0;
        while (i < copy.length && batch.length < BATCH_MESSAGES && (batch.length === 0 || bytes + copy[i].size <= BATCH_BYTES)) {
          bytes += copy[i].size;
          batch.push(copy[i++]);
        }
        const pending = new Set(batch.map((x) => x.uid));
        for await (const x of client.fetch(batch.map((b) => b.uid).join(','), { uid: true, source: true }, { uid: true })) {
          const meta = byUid.get(x.uid);
          if (!meta || !pending.has(x.uid) || !x.source) continue;
          pending.delete(x.uid);
          if (hooks.signal?.aborted) continue; // let the command finish; nothing more is written
          await writer.push({ accountId, folder: target, flags: meta.flags, internalDate: meta.internalDate, body: x.source }, (r) => {
            if (r.ok) {
              report.copied++;
              state.totals.copied++;
            } else fail(`${f.path} UID ${meta.uid}`, r.error);
            tracker.mark(meta.uid);
            hooks.advance?.(1);
            save();
          });
        }
        if (hooks.signal?.aborted) break;
        for (const uid of pending) {
          // gone from the source between listing and fetching (expunged meanwhile)
          fail(`${f.path} UID ${uid}`, new Error('biến mất khỏi máy chủ cũ / vanished from the old server'));
          tracker.mark(uid);
          hooks.advance?.(1);
        }
      }
      await writer.flush();
      save(true);
    }
    await writer.flush();
    if (hooks.signal?.aborted) report.interrupted = true;
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
  } finally {
    await writer.flush().catch(() => undefined); // what is in flight is committed (and recorded) before the state is saved
    try {
      save(true);
    } catch (e) {
      report.error ??= `state: ${(e as Error).message}`;
    }
    if (client.usable) await client.logout().catch(() => undefined);
    else client.close();
    report.durationMs = Date.now() - began;
  }
  return report;
}

export type { MailboxState };
