// Owns: the webmail's calls to the unit mailbox's work queue (/api/v1/mailboxes/:address/work-queue,
// src/http/routes/work-queue.ts) and the Email id ↔ folder + UID mapping they need (E<folder>_<uid>).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

export interface WorkItem {
  mailboxId: number;
  uid: number;
  assignee: string | null;
  handled: boolean;
  note: string;
  updatedAt: number | null;
  updatedBy: string | null;
}
export interface WorkEvent {
  at: number;
  actor: string;
  kind: 'assign' | 'unassign' | 'handled' | 'unhandled' | 'note';
  value: string;
}
export interface WorkMember {
  accountId: number;
  address: string;
  name: string | null;
  isHead: boolean;
}
export interface WorkQueue {
  mailbox: string;
  unit: { code: string; name: string };
  isHead: boolean;
  folderId: number;
  items: WorkItem[];
  members: WorkMember[];
}

/** E<folder>_<uid> → its folder and UID (src/jmap/ids.ts). */
export function refOf(emailId: string): { folderId: number; uid: number } | null {
  const m = /^E(\d+)_(\d+)$/.exec(emailId);
  return m ? { folderId: Number(m[1]), uid: Number(m[2]) } : null;
}

export function emailIdOf(folderId: number, uid: number): string {
  return `E${folderId}_${uid}`;
}

const base = (address: string) => `/api/v1/mailboxes/${encodeURIComponent(address)}/work-queue`;

/** The queue of one folder of a unit mailbox (null when the mailbox has no queue or the user is not in it). */
export function useWorkQueue(address: string | undefined, folder: string, filter: { assignee?: string; handled?: boolean }) {
  return useQuery<WorkQueue | null>({
    queryKey: ['work-queue', address, folder, filter.assignee ?? '', filter.handled ?? ''],
    enabled: !!address,
    queryFn: async () => {
      const q = new URLSearchParams({ folder });
      if (filter.assignee) q.set('assignee', filter.assignee);
      if (filter.handled !== undefined) q.set('handled', String(filter.handled));
      try {
        return await api<WorkQueue>('GET', `${base(address!)}?${q}`);
      } catch {
        return null;
      }
    },
  });
}

export function useMembers(address: string | undefined) {
  return useQuery<WorkMember[] | null>({
    queryKey: ['work-queue-members', address],
    enabled: !!address,
    staleTime: 60_000,
    queryFn: async () => {
      try {
        return (await api<{ members: WorkMember[] }>('GET', `${base(address!)}/members`)).members;
      } catch {
        return null; // not a unit mailbox, or not one of its delegates
      }
    },
  });
}

export function useWorkItem(address: string | undefined, folderId: number | undefined, uid: number | undefined) {
  return useQuery<(WorkItem & { history: WorkEvent[] }) | null>({
    queryKey: ['work-item', address, folderId, uid],
    enabled: !!address && !!folderId && !!uid,
    queryFn: async () => (await api<{ item: WorkItem & { history: WorkEvent[] } }>('GET', `${base(address!)}/${folderId}/${uid}`)).item,
  });
}

export function useUpdateWorkItem(address: string) {
  const qc = useQueryClient();
  return async (folderId: number, uid: number, patch: { assignee?: string | null; handled?: boolean; note?: string }) => {
    const r = await api<{ item: WorkItem & { history: WorkEvent[] } }>('PATCH', `${base(address)}/${folderId}/${uid}`, patch);
    qc.setQueryData(['work-item', address, folderId, uid], r.item);
    await qc.invalidateQueries({ queryKey: ['work-queue', address] });
    await qc.invalidateQueries({ queryKey: ['email'] }); // the keywords $Assigned / $Handled changed
    return r.item;
  };
}
