// Answering a SearchRequest: resolve the base object and scope in the DIT, get candidate
// entries from the directory core — its ranked search for the terms a filter names
// (substring/equality values of names, mail, uid, anr), or a bounded listing for filters such
// as (objectClass=*) — then evaluate the whole filter in memory and apply the size limits.
import { attributeKey } from './attributes.ts';
import { DnSyntaxError, isWithin, parseDn, sameDn, type Rdns } from './dn.ts';
import type { DirectoryTree } from './directory-tree.ts';
import type { LdapEntry } from './entry.ts';
import { compileFilter, type CompiledFilter } from './filter-eval.ts';
import { ResultCode, Scope } from './protocol/constants.ts';
import type { Filter } from './protocol/filter.ts';
import type { SearchRequest } from './protocol/requests.ts';

export interface SearchOutcome {
  entries: LdapEntry[];
  code: number;
  matchedDN?: string;
  message?: string;
}

export interface SearchOptions {
  /** Most entries one search returns (also across the pages of a paged search). */
  maxResults: number;
  /** Most people a broad (listing) search examines before giving up with adminLimitExceeded. */
  maxScan?: number;
}

type Kind = 'person' | 'unit' | 'list';

/** Most index queries one search may make (one per distinct term of an OR). */
const MAX_TERMS = 32;

/** Attributes whose values the directory core's search indexes (names, mail, uid). */
const SEARCHABLE = new Set(['cn', 'displayname', 'sn', 'givenname', 'mail', 'uid', 'anr']);

/**
 * The query strings that find every entry a filter can match, or null when the filter is
 * too broad for the index (then the tree is listed). AND needs one selective part; OR needs all.
 */
export function searchTerms(f: Filter): string[] | null {
  switch (f.type) {
    case 'and': {
      let best: string[] | null = null;
      for (const c of f.filters) {
        const t = searchTerms(c);
        if (t && (best === null || t.length < best.length || (t.length === best.length && t.join('').length > best.join('').length))) best = t;
      }
      return best;
    }
    case 'or': {
      if (!f.filters.length) return [];
      const all = new Set<string>();
      for (const c of f.filters) {
        const t = searchTerms(c);
        if (t === null) return null;
        for (const x of t) all.add(x);
      }
      return [...all];
    }
    case 'equal':
    case 'approx':
    case 'substrings': {
      const key = attributeKey(f.attribute);
      if (key === null || !SEARCHABLE.has(key)) return null;
      let text = f.type === 'substrings' ? [f.initial, ...f.any, f.final].filter((x): x is string => x !== null).join(' ') : f.value;
      if (key === 'mail' || key === 'uid') text = text.split('@')[0];
      text = text.replace(/\s+/g, ' ').trim().normalize('NFC').toLowerCase();
      // the index holds letters and digits only: '-' or '.' alone would find nothing it could prove
      return /[\p{L}\p{N}]/u.test(text) ? [text] : null;
    }
    default:
      return null;
  }
}

export class DirectorySearch {
  private readonly maxScan: number;

  constructor(
    private readonly tree: DirectoryTree,
    private readonly opts: SearchOptions,
  ) {
    this.maxScan = opts.maxScan ?? 100 * opts.maxResults;
  }

  async run(req: Pick<SearchRequest, 'baseObject' | 'scope' | 'sizeLimit' | 'filter'>): Promise<SearchOutcome> {
    let base: Rdns;
    try {
      base = parseDn(req.baseObject);
    } catch (e) {
      if (e instanceof DnSyntaxError) return { entries: [], code: ResultCode.invalidDNSyntax, message: `DN không hợp lệ / invalid DN: ${e.message}` };
      throw e;
    }
    const limit = Math.min(req.sizeLimit > 0 ? req.sizeLimit : Infinity, this.opts.maxResults);
    const filter = compileFilter(req.filter);
    const t = this.tree;

    // The root DSE, and searches from '' or from above the naming context.
    if (base.length === 0 && req.scope === Scope.base) return this.finish([t.rootDse()], filter, limit, false);
    if (!t.contains(base)) {
      if (req.scope === Scope.sub || req.scope === Scope.children || (base.length === 0 && req.scope === Scope.one)) {
        if (isWithin(t.baseRdns, base)) {
          if (req.scope === Scope.one) return this.finish([await t.baseEntry()], filter, limit, false);
          return this.subtree([await t.baseEntry(), ...t.containers()], ['person', 'unit', 'list'], req.filter, filter, limit);
        }
      }
      return { entries: [], code: ResultCode.noSuchObject, matchedDN: '', message: 'Không có mục này / no such object' };
    }

    if (sameDn(base, t.baseRdns)) {
      const b = await t.baseEntry();
      if (req.scope === Scope.base) return this.finish([b], filter, limit, false);
      if (req.scope === Scope.one) return this.finish(t.containers(), filter, limit, false);
      const fixed = req.scope === Scope.sub ? [b, ...t.containers()] : t.containers();
      return this.subtree(fixed, ['person', 'unit', 'list'], req.filter, filter, limit);
    }
    const containers: Array<[Rdns, Kind]> = [
      [t.peopleRdns, 'person'],
      [t.unitsRdns, 'unit'],
      [t.listsRdns, 'list'],
    ];
    for (const [rdns, kind] of containers) {
      if (!sameDn(base, rdns)) continue;
      const c = t.containers().find((x) => sameDn(x.rdns, rdns))!;
      if (req.scope === Scope.base) return this.finish([c], filter, limit, false);
      return this.subtree(req.scope === Scope.sub ? [c] : [], [kind], req.filter, filter, limit);
    }
    const leaf = await t.lookup(base);
    if (!leaf) {
      const parent = containers.find(([rdns]) => sameDn(base.slice(1), rdns));
      return { entries: [], code: ResultCode.noSuchObject, matchedDN: parent ? parentDn(t, parent[1]) : t.baseDn, message: 'Không có mục này / no such object' };
    }
    if (req.scope === Scope.one || req.scope === Scope.children) return this.finish([], filter, limit, false);
    return this.finish([leaf], filter, limit, false);
  }

  private finish(entries: LdapEntry[], filter: CompiledFilter, limit: number, truncated: boolean): SearchOutcome {
    const out: LdapEntry[] = [];
    for (const e of entries) {
      if (filter(e) !== true) continue;
      if (out.length >= limit) return sizeExceeded(out);
      out.push(e);
    }
    if (truncated) return sizeExceeded(out);
    return { entries: out, code: ResultCode.success };
  }

  /** Fixed entries (base, containers) then the people/units/lists that match. */
  private async subtree(fixed: LdapEntry[], kinds: Kind[], raw: Filter, filter: CompiledFilter, limit: number): Promise<SearchOutcome> {
    const out: LdapEntry[] = [];
    for (const e of fixed) if (filter(e) === true) out.push(e);
    if (out.length > limit) return sizeExceeded(out.slice(0, limit));
    const want = limit - out.length + 1; // one more than fits tells us the limit was exceeded
    const terms = searchTerms(raw);
    if (terms && terms.length > MAX_TERMS) {
      return { entries: [], code: ResultCode.adminLimitExceeded, message: `Bộ lọc quá nhiều điều kiện (tối đa ${MAX_TERMS}) / filter has too many alternatives (at most ${MAX_TERMS})` };
    }
    const found = terms ? await this.byTerms(terms, kinds, filter, want) : await this.byListing(kinds, filter, want);
    if ('scanLimit' in found) {
      return { entries: [], code: ResultCode.adminLimitExceeded, message: 'Tìm kiếm quá rộng, hãy thu hẹp điều kiện / search too broad, narrow the filter' };
    }
    out.push(...found.entries);
    if (out.length > limit) return sizeExceeded(out.slice(0, limit));
    if (found.truncated) return sizeExceeded(out);
    return { entries: out, code: ResultCode.success };
  }

  private async byTerms(terms: string[], kinds: Kind[], filter: CompiledFilter, want: number): Promise<{ entries: LdapEntry[]; truncated: boolean }> {
    const ceiling = this.opts.maxResults + 1;
    // Ask for a few times what is wanted first; ask again up to the ceiling when the filter
    // rejected too many of a full answer.
    let fetch = Math.min(ceiling, Math.max(want * 3, 50));
    for (;;) {
      const seen = new Set<string>();
      const entries: LdapEntry[] = [];
      let saturated = false;
      const toEntry = await this.tree.hitConverter();
      for (const term of terms) {
        const hits = await this.tree.search(term, { limit: fetch, kinds: kinds.length === 3 ? undefined : kinds });
        if (hits.length >= fetch) saturated = true;
        for (const h of hits) {
          if (!kinds.includes(h.kind)) continue;
          const e = toEntry(h);
          if (!e || seen.has(e.identity)) continue;
          seen.add(e.identity);
          if (filter(e) === true) entries.push(e);
        }
      }
      if (entries.length >= want || !saturated) return { entries, truncated: false };
      if (fetch >= ceiling) return { entries, truncated: true };
      fetch = ceiling;
    }
  }

  private async byListing(kinds: Kind[], filter: CompiledFilter, want: number): Promise<{ entries: LdapEntry[]; truncated: boolean } | { scanLimit: true }> {
    const entries: LdapEntry[] = [];
    if (kinds.includes('person')) {
      const page = Math.min(Math.max(want * 2, 100), 2000);
      for (let offset = 0; entries.length < want; offset += page) {
        if (offset >= this.maxScan) return { scanLimit: true };
        const { entries: batch, rows } = await this.tree.peoplePage(offset, page);
        for (const e of batch) if (filter(e) === true) entries.push(e);
        if (rows < page) break;
      }
    }
    if (kinds.includes('unit') && entries.length < want) for (const e of await this.tree.unitEntries()) if (filter(e) === true) entries.push(e);
    if (kinds.includes('list') && entries.length < want) for (const e of await this.tree.listEntries()) if (filter(e) === true) entries.push(e);
    return { entries, truncated: false };
  }
}

function parentDn(t: DirectoryTree, kind: Kind): string {
  return `ou=${kind === 'person' ? 'people' : kind === 'unit' ? 'units' : 'lists'},${t.baseDn}`;
}

function sizeExceeded(entries: LdapEntry[]): SearchOutcome {
  return { entries, code: ResultCode.sizeLimitExceeded, message: 'Vượt quá giới hạn số kết quả / size limit exceeded' };
}
