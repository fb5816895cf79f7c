// The numbers the Provincial Office's console and /metrics show (issue 11, R5.9), read when asked:
// storage and mailboxes per agency (an agency is a unit directly under a top-level unit, or the
// top-level unit itself for its own people), mailboxes per state (personal mailboxes by the
// person's status, unit mailboxes, other accounts), requests waiting per state, the outbound
// queue's depth, and the mail each agency received since a date (the capacity report's growth).
// Owns: these reads and the agency of a unit; rows through the repositories, nothing written.
import type { Reader } from '../storage/tx.ts';
import { accountUsage } from '../storage/repositories/accounts.ts';
import { peopleMailboxes } from '../storage/repositories/directory-people.ts';
import { listUnitRows } from '../storage/repositories/directory-units.ts';
import { queueDepth } from '../storage/repositories/queue.ts';
import { countByState } from '../storage/repositories/requests.ts';
import { receivedSinceByAccount } from '../storage/repositories/messages.ts';

/** Accounts that belong to no person nor unit (postmaster's holding mailbox, service accounts). */
export const NO_AGENCY = '-';

export interface AgencyStorage {
  /** The agency's unit code (`-` for accounts of no unit). */
  agency: string;
  name: string;
  bytes: number;
  mailboxes: number;
}

export interface MailboxCount {
  kind: 'person' | 'unit' | 'other';
  /** A person's status (active, suspended, left) or the account's (active, disabled). */
  state: string;
  count: number;
}

interface AccountPlace {
  agency: string;
  kind: 'person' | 'unit' | 'other';
  state: string;
  bytes: number;
}

export class ConsoleStats {
  constructor(
    private readonly db: Reader,
    private readonly opts: { pendingRequestStates: readonly string[]; queueDoneState: string },
  ) {}

  /** Where each account belongs: its agency, kind and state, with the bytes it holds. */
  private async places(): Promise<{ accounts: Map<number, AccountPlace>; agencies: Map<string, string> }> {
    const units = await listUnitRows(this.db);
    const byId = new Map(units.map((u) => [u.id, u]));
    const agencyOf = new Map<number, string>();
    const agencyFor = (unitId: number | null): string => {
      if (unitId === null || !byId.has(unitId)) return NO_AGENCY;
      const known = agencyOf.get(unitId);
      if (known) return known;
      let u = byId.get(unitId)!;
      const seen = new Set<number>();
      // climb until the unit's parent is a top-level unit (or it is one itself)
      while (u.parentId !== null && byId.has(u.parentId) && byId.get(u.parentId)!.parentId !== null && !seen.has(u.id)) {
        seen.add(u.id);
        u = byId.get(u.parentId)!;
      }
      agencyOf.set(unitId, u.code);
      return u.code;
    };
    const agencies = new Map<string, string>([[NO_AGENCY, 'Không thuộc đơn vị / no unit']]);
    for (const u of units) if (u.parentId === null || byId.get(u.parentId)?.parentId === null) agencies.set(u.code, u.name);
    const accounts = new Map<number, AccountPlace>();
    for (const a of await accountUsage(this.db)) accounts.set(a.id, { agency: NO_AGENCY, kind: 'other', state: a.status, bytes: a.usedBytes });
    for (const u of units) {
      const a = u.mailboxAccountId === null ? undefined : accounts.get(u.mailboxAccountId);
      if (a) Object.assign(a, { agency: agencyFor(u.id), kind: 'unit' });
    }
    for (const p of await peopleMailboxes(this.db)) {
      const a = accounts.get(p.accountId);
      if (a) Object.assign(a, { agency: agencyFor(p.unitId), kind: 'person', state: p.status });
    }
    return { accounts, agencies };
  }

  /** Bytes and mailboxes per agency, largest first. */
  async storageByAgency(): Promise<AgencyStorage[]> {
    const { accounts, agencies } = await this.places();
    const out = new Map<string, AgencyStorage>();
    for (const a of accounts.values()) {
      const s = out.get(a.agency) ?? { agency: a.agency, name: agencies.get(a.agency) ?? a.agency, bytes: 0, mailboxes: 0 };
      s.bytes += a.bytes;
      s.mailboxes++;
      out.set(a.agency, s);
    }
    return [...out.values()].sort((x, y) => y.bytes - x.bytes || x.agency.localeCompare(y.agency));
  }

  async mailboxesByState(): Promise<MailboxCount[]> {
    const { accounts } = await this.places();
    const out = new Map<string, MailboxCount>();
    for (const a of accounts.values()) {
      const k = `${a.kind}/${a.state}`;
      const c = out.get(k) ?? { kind: a.kind, state: a.state, count: 0 };
      c.count++;
      out.set(k, c);
    }
    return [...out.values()];
  }

  /** Both of the above from one read (what a scrape asks for). */
  async storageAndMailboxes(): Promise<{ storage: AgencyStorage[]; mailboxes: MailboxCount[] }> {
    return { storage: await this.storageByAgency(), mailboxes: await this.mailboxesByState() };
  }

  /** Requests waiting in each pending state (every pending state named, 0 included). */
  async pendingRequests(): Promise<Array<{ state: string; count: number }>> {
    const counts = await countByState(this.db, this.opts.pendingRequestStates);
    return this.opts.pendingRequestStates.map((state) => ({ state, count: counts.get(state) ?? 0 }));
  }

  /** Recipients still to deliver, by the queue entry's state (active, hold) and the recipient's (queued, deferred …). */
  async queueDepth(): Promise<Array<{ entryState: string; recipientState: string; count: number }>> {
    return queueDepth(this.db, this.opts.queueDoneState);
  }

  /** Bytes and messages each agency received since `since` (by INTERNALDATE). */
  async receivedSinceByAgency(since: number): Promise<Map<string, { bytes: number; count: number }>> {
    const { accounts } = await this.places();
    const out = new Map<string, { bytes: number; count: number }>();
    for (const r of await receivedSinceByAccount(this.db, since)) {
      const agency = accounts.get(r.accountId)?.agency ?? NO_AGENCY;
      const s = out.get(agency) ?? { bytes: 0, count: 0 };
      s.bytes += r.bytes;
      s.count += r.count;
      out.set(agency, s);
    }
    return out;
  }
}
