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
      return ids.flatMap(([id, a], i) => (r[String(i)].list as Identity[]).map((identity) => ({ accountId: id, accountName: a.name, isPersonal: a.isPersonal, identity })));
    },
  });
}
