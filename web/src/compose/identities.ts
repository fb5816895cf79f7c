// Owns: who the user may send as: Identity/get in their own account and in each unit mailbox
// delegated with send-as / send-on-behalf (the session's accounts with the submission capability).
import { useQuery } from '@tanstack/react-query';
import { jmap, SUBMISSION } from '../api/jmap.ts';
import type { Identity, JmapSession } from '../api/types.ts';
import { useJmapSession } from '../mail/data.ts';

export interface SendAs {
  accountId: string;
  accountName: string;
  isPersonal: boolean;
  identity: Identity;
}

export function useIdentities() {
  const s = useJmapSession();
  return useQuery<SendAs[]>({
    queryKey: ['identities', s.data?.state],
    enabled: !!s.data,
    queryFn: async () => {
      const session = s.data as JmapSession;
      const ids = Object.entries(session.accounts).filter(([, a]) => SUBMISSION in a.accountCapabilities);
      const r = await jmap(ids.map(([id], i) => ['Identity/get', { accountId: id, ids: null }, String(i)]));
      const all = ids.flatMap(([id, a], i) => (r[String(i)].list as Identity[]).map((identity) => ({ accountId: id, accountName: a.name, isPersonal: a.isPersonal, identity })));
      // The own account lists every address the user may send from; a unit mailbox the user may
      // also write to sends from its own account (its Drafts and Sent, seen by the other delegates).
      const out = new Map<string, SendAs>();
      for (const x of all) {
        const key = x.identity.email.toLowerCase();
        const prev = out.get(key);
        const writable = !session.accounts[x.accountId]?.isReadOnly;
        if (!prev || (!x.isPersonal && writable && prev.isPersonal && !x.identity.email.toLowerCase().startsWith(session.username.toLowerCase()))) out.set(key, x);
      }
      return [...out.values()].sort((a, b) => Number(b.isPersonal) - Number(a.isPersonal));
    },
  });
}
