// What the directory's parts share: their context (database to read, transactions, services,
// rules), code and local-part patterns, whether an address is taken, and the tree walks.
// Owns: DirectoryContext, normCode, addressTaken, subtreeOf, treeOrder.
import type { Reader, Transactor } from '../storage/tx.ts';
import { isAccountAddress } from '../storage/repositories/accounts.ts';
import { listByAddress } from '../storage/repositories/lists.ts';
import { quarantineOf } from '../storage/repositories/address-quarantine.ts';
import { compareVi } from '../core/text/collate.ts';
import { ThutinError } from '../core/errors.ts';
import { formatDate } from './csv.ts';
import type { DirectoryDeps, Unit } from './types.ts';

export interface DirectoryContext {
  db: Reader;
  tx: Transactor;
  deps: DirectoryDeps;
  /** The primary mail domain: new mailboxes are made there. */
  domain: string;
}

export const CODE_RE = /^[A-Z0-9][A-Z0-9_.-]{0,31}$/;
export const LOCAL_RE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export function normCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * One address space: an address is taken by an account (primary or alias) or by a distribution list,
 * or rests in quarantine after its leaver's purge (naming then moves on: annv → annv2).
 */
export async function addressTaken(r: Reader, address: string, now = Date.now()): Promise<boolean> {
  return (await isAccountAddress(r, address)) || !!(await listByAddress(r, address)) || !!(await quarantineOf(r, address, now));
}

/** ADDRESS_QUARANTINED when the address rests in quarantine (its end in the detail). */
export async function refuseQuarantined(r: Reader, address: string, now = Date.now()): Promise<void> {
  const q = await quarantineOf(r, address, now);
  if (q) throw new ThutinError('ADDRESS_QUARANTINED', `${address} → ${formatDate(q.untilAt)}`);
}

/** unitId and every unit below it, from a parent map. */
export function subtreeOf(parents: Map<number, number | null>, unitId: number): number[] {
  if (!parents.has(unitId)) return [];
  const children = new Map<number, number[]>();
  for (const [id, parent] of parents) if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), id]);
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [unitId];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** Parents before children, siblings in Vietnamese order of their names. */
export function treeOrder(units: Unit[]): Unit[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<number | null, Unit[]>();
  for (const u of units) {
    const p = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    children.set(p, [...(children.get(p) ?? []), u]);
  }
  for (const list of children.values()) list.sort((a, b) => compareVi(a.name, b.name));
  const out: Unit[] = [];
  const seen = new Set<number>();
  const walk = (p: number | null) => {
    for (const u of children.get(p) ?? []) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push(u);
      walk(u.id);
    }
  };
  walk(null);
  for (const u of units) if (!seen.has(u.id)) out.push(u); // cycles: never lose a unit
  return out;
}
