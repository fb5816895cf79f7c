// Owns: what the request screens need to know of the signed-in user's roles (GET /api/v1/me): a
// head, a clerk only, the Provincial Office (approves), a sysadmin (executes), and the units they
// file for (their roles' subtrees; every unit for the province-wide roles).
import { useMe } from '../auth/session.ts';

export interface Standing {
  head: boolean;
  clerkOnly: boolean;
  approver: boolean;
  sysadmin: boolean;
  /** ids of the units the roles are scoped to; null = province-wide */
  roots: number[] | null;
  address: string;
}

export function useStanding(): Standing | null {
  const me = useMe();
  if (!me.data) return null;
  const roles = me.data.roles as Array<{ role: string; unitId?: number | null }>;
  const has = (r: string) => roles.some((x) => x.role === r);
  const approver = has('sysadmin') || has('directory-manager');
  const head = has('agency-head') || approver;
  return {
    head,
    clerkOnly: has('agency-clerk') && !head,
    approver,
    sysadmin: has('sysadmin'),
    roots: approver ? null : roles.filter((x) => (x.role === 'agency-head' || x.role === 'agency-clerk') && x.unitId != null).map((x) => x.unitId!),
    address: me.data.username,
  };
}

/** Dates and times in the user's language. */
export function formats(lang: string) {
  const loc = lang === 'en' ? 'en-GB' : 'vi-VN';
  return {
    day: (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleDateString(loc)),
    time: (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString(loc, { dateStyle: 'short', timeStyle: 'short' })),
  };
}
