// Distribution lists (issue 4): static lists (any addresses, local or remote) and lists derived
// from the organisation tree — `unit-members` (every active person with a mailbox in a unit's
// subtree) and `unit-heads` (the heads of a unit's direct child units: "all heads of agencies"
// is unit-heads of the province root) — with who may post to them. Owns tables
// `distribution_lists` and `list_members`; every change is audited. The SMTP front end asks
// `get`, `expand` and `mayPost`; derived lists are computed at expansion time, so they follow
// people as they move, leave or are appointed.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AuditLog, AuditEntry } from '../core/audit.ts';
import { ThutinError } from '../core/errors.ts';
import { normalizeAddress } from '../core/accounts.ts';

export interface ChangeContext {
  actor: string;
  reason?: string;
}

export type ListKind = 'static' | 'unit-members' | 'unit-heads';
export type SenderPolicy = 'anyone' | 'members' | 'local' | 'listed';
export const LIST_KINDS: readonly ListKind[] = ['static', 'unit-members', 'unit-heads'];
export const SENDER_POLICIES: readonly SenderPolicy[] = ['anyone', 'members', 'local', 'listed'];

export interface DistributionList {
  id: number;
  address: string;
  name: string;
  kind: string;
  unitId: number | null;
  senders: string;
}

export interface ListServiceOptions {
  /** Our mail domains (a list address must be in one). */
  isLocalDomain(domain: string): boolean;
}

const ADDRESS_RE = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
/** Members may be remote addresses, written as their owners write them; only a sanity check. */
const MEMBER_RE = /^[^\s@<>(),;:"]{1,64}@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.[a-z]{2,}$/i;
/** Nested lists (a member that is itself a list) are followed this deep. */
const MAX_NESTING = 5;

function toList(r: { id: unknown; address: string; name: string; kind: string; unit_id: unknown; senders: string }): DistributionList {
  return { id: Number(r.id), address: r.address, name: r.name, kind: r.kind, unitId: r.unit_id === null ? null : Number(r.unit_id), senders: r.senders };
}

export class ListService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly opts: ListServiceOptions,
  ) {}

  private async record(trx: Kysely<Database>, ctx: ChangeContext, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    const entry: AuditEntry & { reason: string } = { actor: ctx.actor, action, target, details, reason: ctx.reason ?? '' };
    await this.audit.record(entry, trx);
  }

  private async unitIdByCode(trx: Kysely<Database>, code: string): Promise<number> {
    const r = await trx.selectFrom('units').select('id').where('code', '=', code.trim().toUpperCase()).executeTakeFirst();
    if (!r) throw new ThutinError('LIST_INVALID', `đơn vị không tồn tại / no such unit: ${code}`);
    return Number(r.id);
  }

  private async mustGet(trx: Kysely<Database>, address: string): Promise<DistributionList> {
    const r = await trx.selectFrom('distribution_lists').selectAll().where('address', '=', normalizeAddress(address)).executeTakeFirst();
    if (!r) throw new ThutinError('LIST_NOT_FOUND', address);
    return toList(r);
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
    return this.db.transaction().execute(async (trx) => {
      // One name space for mailboxes and lists: an address delivers to exactly one of them.
      const taken = await trx.selectFrom('addresses').select('address').where('address', '=', address).executeTakeFirst();
      if (taken) throw new ThutinError('LIST_EXISTS', `${address} (hộp thư / mailbox)`);
      const dup = await trx.selectFrom('distribution_lists').select('id').where('address', '=', address).executeTakeFirst();
      if (dup) throw new ThutinError('LIST_EXISTS', address);
      const unitId = input.unitCode ? await this.unitIdByCode(trx, input.unitCode) : null;
      const now = Date.now();
      const row = await trx
        .insertInto('distribution_lists')
        .values({ address, name, kind: input.kind, unit_id: unitId, senders, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.record(trx, ctx, 'list.create', address, { name, kind: input.kind, unitId, senders });
      return { id: Number(row.id), address };
    });
  }

  /** Add a member (static lists) or, with role 'sender', an address allowed to post (senders = 'listed'). */
  async addMember(listAddress: string, member: string, ctx: ChangeContext, role: 'member' | 'sender' = 'member'): Promise<void> {
    const addr = member.trim();
    if (!MEMBER_RE.test(addr)) throw new ThutinError('ADDRESS_INVALID', member);
    const m = addr.toLowerCase();
    await this.db.transaction().execute(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      if (role === 'member' && list.kind !== 'static') throw new ThutinError('LIST_INVALID', `${list.address}: thành viên lấy theo cơ cấu tổ chức / members come from the directory`);
      if (m === list.address) throw new ThutinError('LIST_INVALID', 'một danh sách không chứa chính nó / a list cannot contain itself');
      const exists = await trx.selectFrom('list_members').select('address').where('list_id', '=', list.id).where('address', '=', m).where('role', '=', role).executeTakeFirst();
      if (exists) return;
      await trx.insertInto('list_members').values({ list_id: list.id, address: m, role }).execute();
      await trx.updateTable('distribution_lists').set({ updated_at: Date.now() }).where('id', '=', list.id).execute();
      await this.record(trx, ctx, role === 'member' ? 'list.member.add' : 'list.sender.add', list.address, { address: m });
    });
  }

  async removeMember(listAddress: string, member: string, ctx: ChangeContext, role: 'member' | 'sender' = 'member'): Promise<void> {
    const m = member.trim().toLowerCase();
    await this.db.transaction().execute(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      const r = await trx.deleteFrom('list_members').where('list_id', '=', list.id).where('address', '=', m).where('role', '=', role).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new ThutinError('LIST_INVALID', `${m} không có trong danh sách / is not on the list`);
      await trx.updateTable('distribution_lists').set({ updated_at: Date.now() }).where('id', '=', list.id).execute();
      await this.record(trx, ctx, role === 'member' ? 'list.member.remove' : 'list.sender.remove', list.address, { address: m });
    });
  }

  async remove(listAddress: string, ctx: ChangeContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const list = await this.mustGet(trx, listAddress);
      await trx.deleteFrom('list_members').where('list_id', '=', list.id).execute();
      await trx.deleteFrom('distribution_lists').where('id', '=', list.id).execute();
      await this.record(trx, ctx, 'list.delete', list.address, { name: list.name, kind: list.kind });
    });
  }

  async get(address: string): Promise<DistributionList | null> {
    const r = await this.db.selectFrom('distribution_lists').selectAll().where('address', '=', normalizeAddress(address)).executeTakeFirst();
    return r ? toList(r) : null;
  }

  async list(): Promise<DistributionList[]> {
    const rows = await this.db.selectFrom('distribution_lists').selectAll().orderBy('address').execute();
    return rows.map(toList);
  }

  /** The allowed senders of a 'listed' list. */
  async senders(listAddress: string): Promise<string[]> {
    const list = await this.mustGet(this.db, listAddress);
    const rows = await this.db.selectFrom('list_members').select('address').where('list_id', '=', list.id).where('role', '=', 'sender').orderBy('address').execute();
    return rows.map((r) => r.address);
  }

  /** Unit ids of a unit's subtree that are valid now (itself included). */
  private async subtree(unitId: number, now: number): Promise<number[]> {
    const out = [unitId];
    let level = [unitId];
    while (level.length) {
      const rows = await this.db
        .selectFrom('units')
        .select('id')
        .where('parent_id', 'in', level)
        .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', now)]))
        .execute();
      level = rows.map((r) => Number(r.id)).filter((id) => !out.includes(id));
      out.push(...level);
    }
    return out;
  }

  /** The member addresses of one list, not following nested lists. */
  private async directMembers(list: DistributionList): Promise<string[]> {
    if (list.kind === 'static') {
      const rows = await this.db.selectFrom('list_members').select('address').where('list_id', '=', list.id).where('role', '=', 'member').orderBy('address').execute();
      return rows.map((r) => r.address);
    }
    if (list.unitId === null) return [];
    const now = Date.now();
    if (list.kind === 'unit-members') {
      const units = await this.subtree(list.unitId, now);
      const rows = await this.db
        .selectFrom('people')
        .innerJoin('accounts', 'accounts.id', 'people.account_id')
        .select('accounts.username')
        .where('people.unit_id', 'in', units)
        .where('people.status', '=', 'active')
        .where('accounts.status', '=', 'active')
        .orderBy('accounts.username')
        .execute();
      return rows.map((r) => r.username);
    }
    // unit-heads: the heads of the unit's direct children, valid now.
    const rows = await this.db
      .selectFrom('units')
      .innerJoin('people', 'people.id', 'units.head_person_id')
      .innerJoin('accounts', 'accounts.id', 'people.account_id')
      .select('accounts.username')
      .where('units.parent_id', '=', list.unitId)
      .where((eb) => eb.or([eb('units.valid_to', 'is', null), eb('units.valid_to', '>', now)]))
      .where('people.status', '=', 'active')
      .where('accounts.status', '=', 'active')
      .orderBy('accounts.username')
      .execute();
    return rows.map((r) => r.username);
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
    if (list.senders === 'local') {
      const r = await this.db.selectFrom('addresses').select('address').where('address', '=', s).executeTakeFirst();
      return !!r;
    }
    if (list.senders === 'members') return (await this.expand(list.address)).some((m) => m.toLowerCase() === s);
    if (list.senders === 'listed') {
      const r = await this.db.selectFrom('list_members').select('address').where('list_id', '=', list.id).where('role', '=', 'sender').where('address', '=', s).executeTakeFirst();
      return !!r;
    }
    return false;
  }

  /** The active accounts of addresses (exact, lower case), for delivering an expansion without a query per member. */
  async activeAccounts(addresses: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += 500) {
      const rows = await this.db
        .selectFrom('addresses')
        .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
        .select(['addresses.address', 'accounts.id'])
        .where('addresses.address', 'in', wanted.slice(i, i + 500))
        .where('accounts.status', '=', 'active')
        .execute();
      for (const r of rows) out.set(r.address, Number(r.id));
    }
    return out;
  }

  /** The List-Id (RFC 2919) of a list: its address with '@' turned into '.'. */
  static listId(address: string): string {
    return normalizeAddress(address).replace('@', '.');
  }
}
