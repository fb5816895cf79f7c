// Keeping the in-memory search index (search.ts) in step with the database: the first search
// loads every unit, person and list; later ones compare the directory's version stamp (highest
// history id, and the lists' count and last change) and reload only what changed, whichever
// process changed it.
// Owns: the index's loading and refreshing, and the unit tree as the index last saw it.
import { directoryStamp } from '../storage/repositories/directory-history.ts';
import { listUnitRows } from '../storage/repositories/directory-units.ts';
import { aliasesOfPeople, personIdsInUnits, personIndexRows } from '../storage/repositories/directory-people.ts';
import { allLists } from '../storage/repositories/lists.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { changedSince } from './history.ts';
import { SearchIndex, type IndexDoc } from './search.ts';
import { subtreeOf, type DirectoryContext } from './common.ts';
import type { DirectoryEntry, Unit } from './types.ts';

type Version = { history: number; lists: string };

export class DirectoryIndex {
  private readonly index = new SearchIndex();
  private indexVersion: Version | null = null;
  private refreshing: Promise<void> | null = null;
  // The unit tree as the index last saw it (scope checks, subtree filters).
  private units = new Map<number, { code: string; name: string; parentId: number | null; validTo: number | null }>();

  constructor(private readonly c: DirectoryContext) {}

  /** Ranked, diacritic-insensitive, prefix and multi-word; people who left are not shown. */
  async search(q: string, opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'>; unitId?: number; includeInactive?: boolean } = {}): Promise<DirectoryEntry[]> {
    await this.ensureIndex();
    const units = opts.unitId === undefined ? null : new Set(subtreeOf(new Map([...this.units].map(([id, u]) => [id, u.parentId])), opts.unitId));
    return this.index.search(q, { limit: opts.limit, kinds: opts.kinds, units, includeInactive: opts.includeInactive });
  }

  /** Live people, units and lists whose whole name is `name` (or one of `names`, in order; case, accents and đ ignored). */
  async byName(names: string | readonly string[], kinds?: Array<'person' | 'unit' | 'list'>): Promise<DirectoryEntry[]> {
    await this.ensureIndex();
    return (typeof names === 'string' ? [names] : names).flatMap((n) => this.index.byName(n, kinds));
  }

  async ensureIndex(): Promise<void> {
    while (this.refreshing) await this.refreshing;
    const v = await this.versionNow();
    if (this.indexVersion && v.history === this.indexVersion.history && v.lists === this.indexVersion.lists) return;
    this.refreshing = this.refresh(v).finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async versionNow(): Promise<Version> {
    const s = await directoryStamp(this.c.db);
    return { history: s.history, lists: `${s.lists}:${s.listsChangedAt}` };
  }

  private async refresh(v: Version): Promise<void> {
    if (!this.indexVersion) {
      this.index.clear();
      await this.loadUnits(null);
      await this.loadPeople(null);
      await this.loadLists();
      this.indexVersion = v;
      return;
    }
    const { version, changed } = await changedSince(this.c.db, this.indexVersion.history);
    const unitIds = changed.filter((c) => c.entity === 'unit').map((c) => c.entityId);
    const personIds = changed.filter((c) => c.entity === 'person').map((c) => c.entityId);
    if (unitIds.length + personIds.length > 2000) {
      this.indexVersion = null;
      return this.refresh(v);
    }
    if (unitIds.length) {
      await this.loadUnits(unitIds);
      // people show their unit's code and name: re-derive those of changed units
      personIds.push(...(await personIdsInUnits(this.c.db, unitIds)));
    }
    if (personIds.length) await this.loadPeople([...new Set(personIds)]);
    if (v.lists !== this.indexVersion.lists || changed.some((c) => c.entity === 'list')) await this.loadLists();
    this.indexVersion = { history: Math.max(version, v.history), lists: v.lists };
  }

  private unitEntry(u: Unit): IndexDoc {
    const parent = u.parentId === null ? undefined : this.units.get(u.parentId);
    const expired = u.validTo !== null && u.validTo <= Date.now();
    return {
      entry: {
        kind: 'unit',
        id: u.id,
        name: u.name,
        email: u.mailbox,
        title: u.kind,
        unitId: u.parentId,
        unitCode: parent?.code ?? null,
        unitName: parent?.name ?? null,
        phone: '',
        status: expired ? 'expired' : 'active',
      },
      texts: [u.name, u.code, u.abbreviation, ...(u.mailbox ? [u.mailbox.split('@')[0]] : [])],
      fullName: u.name,
      givenName: '',
      localParts: [u.abbreviation, ...(u.mailbox ? [u.mailbox.split('@')[0]] : [])],
      addresses: u.mailbox ? [u.mailbox] : [],
      sortKey: `~${foldVietnamese(u.name)}`,
    };
  }

  private async loadUnits(ids: number[] | null): Promise<void> {
    const rows = await listUnitRows(this.c.db, ids ? { ids } : {});
    if (ids) {
      for (const id of ids) {
        this.units.delete(id);
        this.index.remove('unit', id);
      }
    } else this.units.clear();
    for (const u of rows) this.units.set(u.id, { code: u.code, name: u.name, parentId: u.parentId, validTo: u.validTo });
    for (const u of rows) this.index.upsert(this.unitEntry(u));
    if (ids) {
      // children show their parent's name
      for (const child of await listUnitRows(this.c.db, { parentIds: ids })) this.index.upsert(this.unitEntry(child));
    }
  }

  private async loadPeople(ids: number[] | null): Promise<void> {
    const chunks: Array<number[] | null> = [];
    if (ids === null) chunks.push(null);
    else for (let i = 0; i < ids.length; i += 500) chunks.push(ids.slice(i, i + 500));
    const aliases = await aliasesOfPeople(this.c.db, null);
    for (const chunk of chunks) {
      const rows = await personIndexRows(this.c.db, chunk);
      if (chunk) for (const id of chunk) this.index.remove('person', id);
      for (const r of rows) {
        const unit = r.unitId === null ? undefined : this.units.get(r.unitId);
        const addrs = [...(r.email ? [r.email] : []), ...(r.accountId === null ? [] : (aliases.get(r.accountId) ?? []))];
        const locals = addrs.map((a) => a.split('@')[0]);
        this.index.upsert({
          entry: {
            kind: 'person',
            id: r.id,
            name: r.fullName,
            email: r.email,
            title: r.title,
            unitId: r.unitId,
            unitCode: unit?.code ?? null,
            unitName: unit?.name ?? null,
            phone: r.phone,
            givenName: r.givenName,
            familyName: r.familyName,
            status: r.status,
          },
          texts: [r.fullName, ...locals],
          fullName: r.fullName,
          givenName: r.givenName,
          localParts: locals,
          addresses: addrs,
          sortKey: r.sortKey,
        });
      }
    }
  }

  private async loadLists(): Promise<void> {
    for (const e of this.index.entries('list')) this.index.remove('list', e.id);
    for (const l of await allLists(this.c.db)) {
      const unit = l.unitId === null ? undefined : this.units.get(l.unitId);
      const local = l.address.split('@')[0];
      this.index.upsert({
        entry: { kind: 'list', id: l.id, name: l.name, email: l.address, title: '', unitId: l.unitId, unitCode: unit?.code ?? null, unitName: unit?.name ?? null, phone: '', status: 'active' },
        texts: [l.name, local],
        fullName: l.name,
        givenName: '',
        localParts: [local],
        addresses: [l.address],
        sortKey: `~${foldVietnamese(l.name)}`,
      });
    }
  }
}
