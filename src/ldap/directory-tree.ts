// The DIT this server publishes, built from the directory core on each request:
//   (root DSE) → dc=kontum,dc=gov,dc=vn → ou=people (inetOrgPerson, uid = mail local part)
//                                       → ou=units  (organizationalUnit, ou=<unit code>)
//                                       → ou=lists  (groupOfNames, mail=<list address>)
// Owns the mapping of people, units and lists to entries, DN lookups of single entries, and a
// short-lived cache of the (few hundred) units for the province name and unit entries.
// People who are not active and people without a mailbox are not published.
import type { DirectoryEntry, DirectoryService, Person, Unit } from '../directory/service.ts';
import type { AccountService } from '../core/accounts.ts';
import { escapeDnValue, isWithin, leafValue, parseDn, sameDn, type Rdns } from './dn.ts';
import { LdapEntry } from './entry.ts';
import { SUPPORTED_CONTROLS, SUPPORTED_EXTENSIONS } from './protocol/constants.ts';

export type DirectorySource = Pick<DirectoryService, 'search' | 'listPeople' | 'listUnits' | 'personByAccount'>;

export interface ListRow {
  id: number;
  address: string;
  name: string;
}

export interface ListSource {
  get(address: string): Promise<ListRow | null>;
  list(): Promise<ListRow[]>;
  expand(address: string): Promise<string[]>;
}

export interface TreeSources {
  directory: DirectorySource;
  lists: ListSource | null;
  accounts: Pick<AccountService, 'byAddress'>;
}

export interface TreeOptions {
  /** The primary mail domain; the base DN is made of its labels. */
  domain: string;
  /** How long the units snapshot is reused (ms). */
  unitsTtlMs?: number;
  now?: () => number;
}

export const PERSON_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson'];
export const UNIT_CLASSES = ['top', 'organizationalUnit'];
export const LIST_CLASSES = ['top', 'groupOfNames'];

export function baseDnOf(domain: string): string {
  return domain
    .toLowerCase()
    .split('.')
    .filter(Boolean)
    .map((l) => `dc=${escapeDnValue(l)}`)
    .join(',');
}

interface UnitsSnapshot {
  at: number;
  byId: Map<number, Unit>;
  byCode: Map<string, Unit>;
  province: string;
}

export class DirectoryTree {
  readonly baseDn: string;
  readonly baseRdns: Rdns;
  readonly peopleRdns: Rdns;
  readonly unitsRdns: Rdns;
  readonly listsRdns: Rdns;
  private readonly domain: string;
  private readonly atDomain: string;
  private readonly peopleSuffix: string;
  private readonly ttl: number;
  private readonly now: () => number;
  private units: UnitsSnapshot | null = null;
  private unitsLoading: Promise<UnitsSnapshot> | null = null;

  constructor(
    private readonly src: TreeSources,
    opts: TreeOptions,
  ) {
    this.domain = opts.domain.toLowerCase();
    this.ttl = opts.unitsTtlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    this.atDomain = `@${this.domain}`;
    this.baseDn = baseDnOf(this.domain);
    this.peopleSuffix = `,ou=people,${this.baseDn}`;
    this.baseRdns = parseDn(this.baseDn);
    this.peopleRdns = parseDn(`ou=people,${this.baseDn}`);
    this.unitsRdns = parseDn(`ou=units,${this.baseDn}`);
    this.listsRdns = parseDn(`ou=lists,${this.baseDn}`);
  }

  // ---- fixed entries ----

  rootDse(): LdapEntry {
    return new LdapEntry('', 'root')
      .set('objectclass', ['top'])
      .set('namingcontexts', [this.baseDn])
      .set('supportedldapversion', ['3'])
      .set('supportedextension', SUPPORTED_EXTENSIONS)
      .set('supportedcontrol', SUPPORTED_CONTROLS)
      .set('vendorname', ['thutin'])
      .set('vendorversion', ['0.1.0']);
  }

  async baseEntry(): Promise<LdapEntry> {
    const { province } = await this.unitsSnapshot();
    return new LdapEntry(this.baseDn, 'base')
      .set('objectclass', ['top', 'dcObject', 'organization'])
      .set('dc', [this.domain.split('.')[0]])
      .set('o', [province]);
  }

  containers(): LdapEntry[] {
    return [this.container('people', 'Cán bộ, công chức / People'), this.container('units', 'Cơ quan, đơn vị / Units'), this.container('lists', 'Danh sách thư / Mailing lists')];
  }

  private container(ou: string, description: string): LdapEntry {
    return new LdapEntry(`ou=${ou},${this.baseDn}`, 'container').set('objectclass', ['top', 'organizationalUnit']).set('ou', [ou]).set('description', [description]);
  }

  // ---- people, units, lists ----

  /** The uid of a mailbox: its local part in the primary domain, the whole address elsewhere. */
  uidOf(address: string): string {
    const suffix = this.atDomain;
    if (address.length > suffix.length && address.endsWith(suffix)) return address.slice(0, -suffix.length);
    const at = address.lastIndexOf('@');
    return at > 0 && address.slice(at + 1).toLowerCase() === this.domain ? address.slice(0, at) : address;
  }

  /** The address behind a uid (the reverse of uidOf). */
  addressOfUid(uid: string): string {
    return uid.includes('@') ? uid : `${uid}@${this.domain}`;
  }

  personDn(address: string): string {
    return `uid=${escapeDnValue(this.uidOf(address))}${this.peopleSuffix}`;
  }

  /** A person (from listPeople) or a person search hit; null when not published. */
  personEntry(p: Person | DirectoryEntry, province: string): LdapEntry | null {
    const email = p.email;
    if (!email || p.status !== 'active') return null;
    const isPerson = 'fullName' in p;
    const fullName = isPerson ? p.fullName : p.name;
    const family = p.familyName || fullName;
    const given = p.givenName;
    const uid = this.uidOf(email);
    return new LdapEntry(`uid=${escapeDnValue(uid)}${this.peopleSuffix}`, 'person', p.id)
      .set('objectclass', PERSON_CLASSES)
      .put('cn', fullName)
      .put('displayname', fullName)
      .put('sn', family)
      .put('givenname', given)
      .set('mail', isPerson && p.aliases.length ? [email, ...p.aliases.filter((a) => a !== email)] : [email])
      .put('uid', uid)
      .put('title', p.title)
      .put('ou', p.unitName)
      .put('o', province)
      .put('telephonenumber', p.phone);
  }

  unitEntry(u: Unit, province: string): LdapEntry | null {
    if (!this.unitValid(u)) return null;
    return new LdapEntry(`ou=${escapeDnValue(u.code)},ou=units,${this.baseDn}`, 'unit', u.id)
      .set('objectclass', UNIT_CLASSES)
      .set('ou', [u.name, u.code])
      .set('cn', [u.name])
      .set('displayname', [u.name])
      .set('mail', [u.mailbox])
      .set('description', [u.abbreviation ? `${u.name} (${u.abbreviation.toUpperCase()})` : u.name])
      .set('o', [province]);
  }

  listEntry(l: { id: number; address: string; name: string }): LdapEntry {
    return new LdapEntry(`mail=${escapeDnValue(l.address)},ou=lists,${this.baseDn}`, 'list', l.id, l.address)
      .set('objectclass', LIST_CLASSES)
      .set('cn', [l.name || l.address])
      .set('displayname', [l.name || l.address])
      .set('mail', [l.address]);
  }

  /** A search hit of any kind as an entry (units come from the snapshot). */
  async fromSearchHit(hit: DirectoryEntry): Promise<LdapEntry | null> {
    return (await this.hitConverter())(hit);
  }

  /** A converter from search hits to entries over one units snapshot (one await per search, not per hit). */
  async hitConverter(): Promise<(hit: DirectoryEntry) => LdapEntry | null> {
    const snap = await this.unitsSnapshot();
    return (hit) => this.hitEntry(hit, snap);
  }

  private hitEntry(hit: DirectoryEntry, snap: UnitsSnapshot): LdapEntry | null {
    if (hit.kind === 'person') return this.personEntry(hit, snap.province);
    if (hit.kind === 'unit') {
      const u = snap.byId.get(hit.id);
      return u ? this.unitEntry(u, snap.province) : null;
    }
    if (!hit.email) return null;
    return this.listEntry({ id: hit.id, address: hit.email, name: hit.name });
  }

  /** Fill `member` of a list entry (computed lists are expanded from the tree). */
  async fillMembers(e: LdapEntry): Promise<void> {
    if (e.kind !== 'list' || !e.listAddress || !this.src.lists || e.attrs.has('member')) return;
    const members = await this.src.lists.expand(e.listAddress);
    e.set(
      'member',
      members.map((m) => this.personDn(m)),
    );
  }

  // ---- listing (broad searches) ----

  async province(): Promise<string> {
    return (await this.unitsSnapshot()).province;
  }

  async unitEntries(): Promise<LdapEntry[]> {
    const snap = await this.unitsSnapshot();
    const out: LdapEntry[] = [];
    for (const u of snap.byId.values()) {
      const e = this.unitEntry(u, snap.province);
      if (e) out.push(e);
    }
    return out;
  }

  async listEntries(): Promise<LdapEntry[]> {
    if (!this.src.lists) return [];
    return (await this.src.lists.list()).map((l) => this.listEntry(l));
  }

  /** One page of active people in Vietnamese order. */
  async peoplePage(offset: number, limit: number): Promise<{ entries: LdapEntry[]; rows: number }> {
    const [people, province] = await Promise.all([this.src.directory.listPeople({ status: 'active', offset, limit }), this.province()]);
    const entries: LdapEntry[] = [];
    for (const p of people) {
      const e = this.personEntry(p, province);
      if (e) entries.push(e);
    }
    return { entries, rows: people.length };
  }

  search(q: string, opts: { limit: number; kinds?: Array<'person' | 'unit' | 'list'> }): Promise<DirectoryEntry[]> {
    return this.src.directory.search(q, opts);
  }

  // ---- single entries by DN ----

  /** The entry named by a DN, or null. Leaves are looked up in the directory core. */
  async lookup(rdns: Rdns): Promise<LdapEntry | null> {
    if (rdns.length === 0) return this.rootDse();
    if (sameDn(rdns, this.baseRdns)) return this.baseEntry();
    for (const c of this.containers()) if (sameDn(rdns, c.rdns)) return c;
    if (rdns.length !== this.baseRdns.length + 2) return null;
    const parent = rdns.slice(1);
    if (sameDn(parent, this.peopleRdns)) {
      const uid = leafValue(rdns, 'uid');
      const mail = leafValue(rdns, 'mail');
      const address = uid !== null ? this.addressOfUid(uid) : mail;
      if (!address) return null;
      const account = await this.src.accounts.byAddress(address);
      if (!account) return null;
      const person = await this.src.directory.personByAccount(account.id);
      return person ? this.personEntry(person, await this.province()) : null;
    }
    if (sameDn(parent, this.unitsRdns)) {
      const code = leafValue(rdns, 'ou');
      if (code === null) return null;
      const snap = await this.unitsSnapshot();
      const u = snap.byCode.get(code);
      return u ? this.unitEntry(u, snap.province) : null;
    }
    if (sameDn(parent, this.listsRdns) && this.src.lists) {
      const address = leafValue(rdns, 'mail');
      const l = address ? await this.src.lists.get(address) : null;
      return l ? this.listEntry(l) : null;
    }
    return null;
  }

  /** Whether a DN lies in this tree (base DN or below). */
  contains(rdns: Rdns): boolean {
    return isWithin(rdns, this.baseRdns);
  }

  // ---- units snapshot ----

  private unitValid(u: Unit): boolean {
    const now = this.now();
    return (u.validFrom === null || u.validFrom <= now) && (u.validTo === null || u.validTo > now);
  }

  private async unitsSnapshot(): Promise<UnitsSnapshot> {
    const now = this.now();
    if (this.units && now - this.units.at < this.ttl) return this.units;
    this.unitsLoading ??= this.loadUnits().finally(() => {
      this.unitsLoading = null;
    });
    return this.unitsLoading;
  }

  private async loadUnits(): Promise<UnitsSnapshot> {
    const list = await this.src.directory.listUnits();
    const byId = new Map<number, Unit>();
    const byCode = new Map<string, Unit>();
    for (const u of list) {
      byId.set(u.id, u);
      byCode.set(parseDn(`ou=${escapeDnValue(u.code)}`)[0].slice(3), u);
    }
    const roots = list.filter((u) => u.parentId === null);
    const root = roots.find((u) => u.kind === 'province') ?? roots[0];
    const snap = { at: this.now(), byId, byCode, province: root?.name ?? this.domain };
    this.units = snap;
    return snap;
  }
}
