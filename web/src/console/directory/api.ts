// Owns: the console's directory-management calls to the admin API over the session cookie + CSRF
// (src/http/routes/units.ts, people.ts, mailboxes.ts, delegations.ts, lists.ts, roles.ts, audit.ts,
// search.ts), the shapes they answer, and the one mutation helper that refreshes the screens and
// says an API refusal in the user's language (the server's Vietnamese message first).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import i18next from '../../i18n/index.ts';
import { api, HttpError } from '../../api/http.ts';
import { toast } from '../../layout/Toasts.tsx';

export interface Unit {
  id: number;
  code: string;
  name: string;
  abbreviation: string;
  kind: string;
  parentId: number | null;
  headPersonId: number | null;
  mailboxAccountId: number | null;
  mailbox: string | null;
  validFrom: number | null;
  validTo: number | null;
  successorId: number | null;
}

export type PersonStatus = 'active' | 'suspended' | 'left';

export interface Person {
  id: number;
  fullName: string;
  title: string;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  phone: string;
  status: PersonStatus;
  accountId: number | null;
  email: string | null;
  aliases: string[];
}

export interface Entry {
  kind: 'person' | 'unit' | 'list';
  id: number;
  name: string;
  email: string | null;
  title: string;
  unitName: string | null;
  unitCode: string | null;
  phone: string;
  status: string;
}

export type Right = 'read' | 'send-as' | 'send-on-behalf' | 'manage';
export const RIGHTS: readonly Right[] = ['read', 'send-as', 'send-on-behalf', 'manage'];

export interface Delegation {
  grantee: string;
  granteeAccountId: number;
  rights: Right[];
}

export interface MailList {
  id: number;
  address: string;
  name: string;
  kind: 'static' | 'unit-members' | 'unit-heads';
  unitId: number | null;
  senders: string;
}

export const ASSIGNABLE_ROLES = ['sysadmin', 'directory-manager', 'agency-head', 'agency-clerk', 'auditor'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export interface RoleAssignment {
  id: number;
  account: string;
  role: AssignableRole;
  unitId: number | null;
  unitCode: string | null;
  grantedBy: string;
  createdAt: number;
}

export interface Version {
  validFrom: number;
  validTo: number | null;
  data: Record<string, unknown>;
  actor: string;
  reason: string;
  requestId: number | null;
  outsideRequest: boolean;
}

export type HistoryEntity = 'unit' | 'person' | 'list' | 'delegation';

const V1 = '/api/v1';
export const enc = encodeURIComponent;

/** An API error as the user reads it: the server's Vietnamese message, or its English one. */
export function errorText(e: unknown): string {
  if (e instanceof HttpError) return i18next.language === 'en' ? e.messageEn : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function useUnits() {
  return useQuery<Unit[], HttpError>({ queryKey: ['cdir', 'units'], queryFn: async () => (await api<{ units: Unit[] }>('GET', `${V1}/units`)).units });
}

export function usePeopleOfUnit(code: string | null) {
  return useQuery<Person[], HttpError>({
    queryKey: ['cdir', 'people-of', code],
    enabled: !!code,
    queryFn: async () => (await api<{ people: Person[] }>('GET', `${V1}/people?unit=${enc(code!)}&subtree=true&limit=1000`)).people,
  });
}

export function usePerson(id: number | null) {
  return useQuery<Person, HttpError>({ queryKey: ['cdir', 'person', id], enabled: id !== null, queryFn: () => api<Person>('GET', `${V1}/people/${id}`) });
}

/** The server folds diacritics and đ: "nguyen van duc" finds "Nguyễn Văn Đức". */
export function useSearchPeople(q: string, inactive: boolean) {
  return useQuery<Entry[], HttpError>({
    queryKey: ['cdir', 'search', q, inactive],
    enabled: q.length > 0,
    queryFn: async () => (await api<{ results: Entry[] }>('GET', `${V1}/directory/search?q=${enc(q)}&kinds=person&limit=100${inactive ? '&inactive=true' : ''}`)).results,
  });
}

export function useDelegations(address: string | null) {
  return useQuery<Delegation[], HttpError>({
    queryKey: ['cdir', 'delegations', address],
    enabled: !!address,
    retry: false,
    queryFn: async () => (await api<{ delegations: Delegation[] }>('GET', `${V1}/mailboxes/${enc(address!)}/delegations`)).delegations,
  });
}

export function useLists() {
  return useQuery<MailList[], HttpError>({ queryKey: ['cdir', 'lists'], queryFn: async () => (await api<{ lists: MailList[] }>('GET', `${V1}/lists`)).lists });
}

export function useList(address: string | null) {
  return useQuery<MailList & { members: string[] }, HttpError>({
    queryKey: ['cdir', 'list', address],
    enabled: !!address,
    queryFn: () => api<MailList & { members: string[] }>('GET', `${V1}/lists/${enc(address!)}`),
  });
}

export function useRoles() {
  return useQuery<RoleAssignment[], HttpError>({ queryKey: ['cdir', 'roles'], retry: false, queryFn: async () => (await api<{ roles: RoleAssignment[] }>('GET', `${V1}/roles`)).roles });
}

export function useHistory(entity: HistoryEntity, id: number, enabled: boolean) {
  return useQuery<Version[], HttpError>({
    queryKey: ['cdir', 'history', entity, id],
    enabled,
    retry: false,
    queryFn: async () => (await api<{ versions: Version[] }>('GET', `${V1}/history/${entity}/${id}`)).versions,
  });
}

/**
 * A change through the API: on success the console's queries are refreshed and `done` says what
 * happened; on a refusal the server's message (Vietnamese first) is announced and kept in `error`.
 */
export function useChange<In, Out>(call: (input: In) => Promise<Out>, done?: (out: Out, input: In) => string | void) {
  const qc = useQueryClient();
  return useMutation<Out, unknown, In>({
    mutationFn: call,
    onSuccess: async (out, input) => {
      await qc.invalidateQueries({ queryKey: ['cdir'] });
      const said = done?.(out, input);
      toast(said || i18next.t('cdir.saved'));
    },
    onError: (e) => toast(errorText(e)),
  });
}

export const calls = {
  createUnit: (b: { code: string; name: string; kind: string; abbreviation?: string; parentCode: string | null; withMailbox: boolean; reason: string }) =>
    api<{ unit: Unit; initialPassword?: string }>('POST', `${V1}/units`, b),
  updateUnit: (code: string, b: { name?: string; abbreviation?: string; validTo?: number | null; successorCode?: string | null; reason: string }) => api<Unit>('PATCH', `${V1}/units/${enc(code)}`, b),
  setHead: (code: string, personId: number | null, reason: string) => api<Unit & { mailboxPassword?: string }>('PUT', `${V1}/units/${enc(code)}/head`, { personId, reason }),
  updatePerson: (id: number, b: { fullName?: string; title?: string; phone?: string; reason: string }) => api<Person>('PATCH', `${V1}/people/${id}`, b),
  movePerson: (id: number, unitCode: string, reason: string) => api<Person & { warnings?: unknown[] }>('POST', `${V1}/people/${id}/move`, { unitCode, reason }),
  setStatus: (id: number, status: PersonStatus, reason: string) => api<Person & { warnings?: unknown[] }>('PUT', `${V1}/people/${id}/status`, { status, reason }),
  resetPassword: (id: number, reason: string) => api<{ address: string; password: string }>('POST', `${V1}/people/${id}/password/reset`, { reason }),
  grant: (owner: string, grantee: string, rights: Right[], reason: string) => api<void>('PUT', `${V1}/mailboxes/${enc(owner)}/delegations/${enc(grantee)}`, { rights, reason }),
  revoke: (owner: string, grantee: string, reason: string) => api<void>('DELETE', `${V1}/mailboxes/${enc(owner)}/delegations/${enc(grantee)}?reason=${enc(reason)}`),
  createList: (b: { address: string; name: string; kind: MailList['kind']; unitCode: string | null; senders: string; reason: string }) => api<MailList>('POST', `${V1}/lists`, b),
  removeList: (address: string, reason: string) => api<void>('DELETE', `${V1}/lists/${enc(address)}?reason=${enc(reason)}`),
  addMember: (list: string, member: string, role: 'member' | 'sender', reason: string) => api<void>('POST', `${V1}/lists/${enc(list)}/members`, { member, role, reason }),
  removeMember: (list: string, member: string, reason: string) => api<void>('DELETE', `${V1}/lists/${enc(list)}/members/${enc(member)}?reason=${enc(reason)}`),
  grantRole: (b: { account: string; role: AssignableRole; unitCode: string | null; reason: string }) => api<void>('POST', `${V1}/roles`, b),
  revokeRole: (b: { account: string; role: AssignableRole; unitCode: string | null; reason: string }) => api<void>('POST', `${V1}/roles/revoke`, b),
};
