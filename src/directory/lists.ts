// Distribution lists (issue 4): static lists (any addresses, local or remote) and lists derived
// from the organisation tree — `unit-members` (every active person with a mailbox in a unit's
// subtree) and `unit-heads` (the heads of a unit's direct child units: "all heads of agencies"
// is unit-heads of the province root) — with who may post to them. Owns tables
// `distribution_lists` and `list_members`; every change is audited. The SMTP front end asks
// `get`, `expand` and `mayPost`; derived lists are computed at expansion time, so they follow
// people as they move, leave or are appointed.
// Owns: list kinds, sender policies, expansion and their audit entries; rows through
// storage/repositories/lists.ts (and the tree through directory-units/directory-people).
import { transactor, type Reader, type Transactor, type Tx } from '../storage/tx.ts';
import { allLists, deleteList, deleteListMember, hasListMember, insertList, insertListMember, listByAddress, listMemberAddresses, touchList, type ListRow } from '../storage/repositories/lists.ts';
import { childHeadAddresses, unitIdByCode, validChildIds } from '../storage/repositories/directory-units.ts';
import { activeMailboxesInUnits, leaverAddresses } from '../storage/repositories/directory-people.ts';
import { activeAccountsByAddress, isAccountAddress } from '../storage/repositories/accounts.ts';
import type { ChangeContext, AuditLog, AuditEntry } from '../core/audit.ts';
import { ThutinError } from '../core/errors.ts';
import { normalizeAddress } from '../core/accounts.ts';

export type { ChangeContext };

import { LIST_KINDS, SENDER_POLICIES, type ListKind, type SenderPolicy } from './kinds.ts';
import { refuseQuarantined } from './common.ts';
export { LIST_KINDS, SENDER_POLICIES, type ListKind, type SenderPolicy };

export type DistributionList = ListRow;

export interface ListServiceOptions {
  /** Our mail domains (a list address must be in one). */
  isLocalDomain(domain: string): boolean;
}

const ADDRESS_RE = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
/** Members may be remote addresses, written as their owners write them; only a sanity check. */
const MEMBER_RE = /^[^\s@<>(),;:"]{1,64}@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.[a-z]{2,}$/i;
/** Nested lists (a member that is itself a list) are followed this deep. */
const MAX_NESTING = 5;

export class ListService {
  private readonly tx: Transactor;

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
    private readonly opts: ListServiceOptions,
  ) {
    this.tx = transactor(db);
  }

  private async record(trx: Tx, ctx: ChangeContext, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    const entry: AuditEntry & { reason: string } = { actor: ctx.actor, action, target, details, reason: ctx.reason ?? '' };
    await this.audit.record(entry, trx);
  }

  private async unitIdByCode(r: Reader, code: string): Promise<number> {
    const id = await unitIdByCode(r, code.trim().toUpperCase());
    if (id === null) throw new ThutinError('LIST_INVALID', `đơn vị không tồn tại / no such unit: ${code}`);
    return id;
  }

  private async mustGet(r: Reader, address: string): Promise<DistributionList> {
    const list = await listByAddress(r, normalizeAddress(address));
    if (!list) throw new ThutinError('LIST_NOT_FOUND', address);
    return list;
  }

  async create(input: { address: string; name: string; kind: ListKind; unitCode?: string | null; senders?: SenderPolicy }, ctx: ChangeContext): Promise<{ id: number; address: string }> {
    const address = normalizeAddress(input.address);
    if (!ADDRESS_RE.test(address)) throw new ThutinError('ADDRESS_INVALID', input.address);
    if (!this.opts.isLocalDomain(address.split('@')[1])) throw new ThutinError('DOMAIN_NOT_LOCAL', address.split('@')[1]);
    const name = input.name.normalize('NFC').trim();
    if (!name) throw new ThutinError('LIST_INVALID', 'tên trống / empty name');
    if (!LIST_KINDS.includes(input.kind)) throw new ThutinError('LIST_INVALID', `kind ${input.kind}`);
    const senders = input.senders ?? 'local';
    if (!SENDER_POLICIES.includes(senders)) throw new ThutinError('LIST_INVALID', `senders ${senders}`);
    if (input.kind !== 'static' && !input.unitCode) throw new ThutinError('LIST_INVALID', 'danh sách theo đơn vị cần --unit / a derived list needs a unit');
    return this.tx.transaction(async (trx) => {
      // One name space for mailboxes and lists: an address delivers to exactly one of them.
      if (await isAccountAddress(trx, address)) throw new ThutinError('LIST_EXISTS', `${address} (hộp thư / mailbox)`);
      if (await listByAddress(trx, address)) throw new ThutinError('LIST_EXISTS', address);
      await refuseQuarantined(trx, address); // a purged leaver's address is nobody's list either
      const unitId = input.unitCode ? await this.unitIdByCode(trx, input.unitCode) : null;
      const id = await insertList(trx, { address, name, kind: input.kind, unitId, senders, createdAt: Date.now() });
      await this.record(trx, ctx, 'list.create', address, { name, kind: input.kind, unitId, senders });
      return { id, address };
    });
  }

  /** Add a member (static lists) or, with role 'sender', an address allowed to post (senders = 'listed'). */
  async addMember(listAddress: string, member: string, ctx: ChangeContext, role: 'member' | 'sender' = 'member'): Promise<void> {
    const addr = member.trim();
    if (!MEMBER_RE.test(addr)) throw new ThutinError('ADDRESS_INVALID', member);
    const m = addr.toLowerCase();
    await this.tx.transaction(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      if (role === 'member' && list.kind !== 'static') throw new ThutinError('LIST_INVALID', `${list.address}: thành viên lấy theo cơ cấu tổ chức / members come from the directory`);
      if (m === list.address) throw new ThutinError('LIST_INVALID', 'một danh sách không chứa chính nó / a list cannot contain itself');
      if (role === 'member' && (await leaverAddresses(trx, [m])).size) throw new ThutinError('LIST_MEMBER_LEFT', m);
      if (await hasListMember(trx, list.id, m, role)) return;
      await insertListMember(trx, list.id, m, role);
      await touchList(trx, list.id, Date.now());
      await this.record(trx, ctx, role === 'member' ? 'list.member.add' : 'list.sender.add', list.address, { address: m });
    });
  }

  async removeMember(listAddress: string, member: string, ctx: ChangeContext, role: 'member' | 'sender' = 'member'): Promise<void> {
    const m = member.trim().toLowerCase();
    await this.tx.transaction(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      if ((await deleteListMember(trx, list.id, m, role)) === 0) throw new ThutinError('LIST_INVALID', `${m} không có trong danh sách / is not on the list`);
      await touchList(trx, list.id, Date.now());
      await this.record(trx, ctx, role === 'member' ? 'list.member.remove' : 'list.sender.remove', list.address, { address: m });
    });
  }

  async remove(listAddress: string, ctx: ChangeContext): Promise<void> {
    await this.tx.transaction(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      await deleteList(trx, list.id);
      await this.record(trx, ctx, 'list.delete', list.address, { name: list.name, kind: list.kind });
    });
  }

  async get(address: string): Promise<DistributionList | null> {
    return listByAddress(this.db, normalizeAddress(address));
  }

  async list(): Promise<DistributionList[]> {
    return allLists(this.db);
  }

  /** Of these addresses, the ones of people who have left (marked in `list show`; mail to them is refused). */
  async leavers(addresses: string[]): Promise<Set<string>> {
    return leaverAddresses(this.db, [...new Set(addresses.map((a) => a.toLowerCase()))]);
  }

  /** The members as stored (static lists), before expansion: leavers stay listed until removed. */
  async storedMembers(listAddress: string): Promise<string[]> {
    const list = await this.mustGet(this.db, listAddress);
    return list.kind === 'static' ? listMemberAddresses(this.db, list.id, 'member') : [];
  }

  /** The allowed senders of a 'listed' list. */
  async senders(listAddress: string): Promise<string[]> {
    const list = await this.mustGet(this.db, listAddress);
    return listMemberAddresses(this.db, list.id, 'sender');
  }

  /** Unit ids of a unit's subtree that are valid now (itself included). */
  private async subtree(unitId: number, now: number): Promise<number[]> {
    const out = [unitId];
    let level = [unitId];
    while (level.length) {
      level = (await validChildIds(this.db, level, now)).filter((id) => !out.includes(id));
      out.push(...level);
    }
    return out;
  }

  /** The member addresses of one list, not following nested lists. */
  private async directMembers(list: DistributionList): Promise<string[]> {
    if (list.kind === 'static') {
      return listMemberAddresses(this.db, list.id, 'member');
    }
    if (list.unitId === null) return [];
    const now = Date.now();
    if (list.kind === 'unit-members') {
      return activeMailboxesInUnits(this.db, await this.subtree(list.unitId, now));
    }
    // unit-heads: the heads of the unit's direct children, valid now.
    return childHeadAddresses(this.db, list.unitId, now);
  }

  /** Member addresses (derived lists computed from the tree; active people only; nested lists followed; no duplicates). */
  async expand(listAddress: string): Promise<string[]> {
    const root = await this.mustGet(this.db, listAddress);
    const seenLists = new Set<string>([root.address]);
    const out = new Map<string, string>();
    const walk = async (list: DistributionList, depth: number): Promise<void> => {
      for (const m of await this.directMembers(list)) {
        const key = m.toLowerCase();
        const nested = depth < MAX_NESTING && !seenLists.has(key) ? await this.get(key) : null;
        if (nested) {
          seenLists.add(key);
          await walk(nested, depth + 1);
        } else if (!seenLists.has(key) && !out.has(key)) out.set(key, m);
      }
    };
    await walk(root, 1);
    return [...out.values()];
  }

  /**
   * Whether `sender` may post to the list: 'anyone'; 'local' — an address of an account of ours;
   * 'members' — a member (as expanded); 'listed' — one of the list's allowed senders.
   * The caller vouches for the sender (an authenticated submission, or the MX's envelope).
   */
  async mayPost(listAddress: string, sender: string): Promise<boolean> {
    const list = await this.get(listAddress);
    if (!list) return false;
    const s = sender.trim().toLowerCase();
    if (list.senders === 'anyone') return true;
    if (!s) return false;
    if (list.senders === 'local') return isAccountAddress(this.db, s);
    if (list.senders === 'members') return (await this.expand(list.address)).some((m) => m.toLowerCase() === s);
    if (list.senders === 'listed') return hasListMember(this.db, list.id, s, 'sender');
    return false;
  }

  /** The active accounts of addresses (exact, lower case), for delivering an expansion without a query per member. */
  async activeAccounts(addresses: string[]): Promise<Map<string, number>> {
    return activeAccountsByAddress(this.db, [...new Set(addresses.map((a) => a.toLowerCase()))]);
  }

  /** The List-Id (RFC 2919) of a list: its address with '@' turned into '.'. */
  static listId(address: string): string {
    return normalizeAddress(address).replace('@', '.');
  }
}
