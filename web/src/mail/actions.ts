// Owns: the everyday actions on messages over JMAP Email/set — keywords (read, flagged), move
// (to a folder, to Trash, to/from Junk), destroy, empty Trash — and refreshing what they change.
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call, jmap } from '../api/jmap.ts';

async function refresh(qc: QueryClient, accountId: string) {
  await Promise.all([
    qc.invalidateQueries({ queryKey: ['mailboxes', accountId] }),
    qc.invalidateQueries({ queryKey: ['emails', accountId] }),
    qc.invalidateQueries({ queryKey: ['email', accountId] }),
  ]);
}

function failIfNot(r: Record<string, unknown>, what: string) {
  const nu = (r.notUpdated ?? r.notDestroyed) as Record<string, { type: string; description?: string }> | null;
  if (nu && Object.keys(nu).length) {
    const first = Object.values(nu)[0];
    throw new Error(`${what}: ${first.type}${first.description ? ` (${first.description})` : ''}`);
  }
}

export function useMailActions(accountId: string) {
  const qc = useQueryClient();
  return {
    async setKeyword(ids: string[], keyword: string, on: boolean) {
      const update = Object.fromEntries(ids.map((id) => [id, { [`keywords/${keyword}`]: on ? true : null }]));
      const r = await call('Email/set', { accountId, update });
      failIfNot(r, 'Email/set');
      await refresh(qc, accountId);
    },
    async move(ids: string[], from: string, to: string) {
      const update = Object.fromEntries(ids.map((id) => [id, { [`mailboxIds/${to}`]: true, [`mailboxIds/${from}`]: null }]));
      const r = await call('Email/set', { accountId, update });
      failIfNot(r, 'Email/set');
      await refresh(qc, accountId);
    },
    async destroy(ids: string[]) {
      for (let i = 0; i < ids.length; i += 500) {
        const r = await call('Email/set', { accountId, destroy: ids.slice(i, i + 500) });
        failIfNot(r, 'Email/set');
      }
      await refresh(qc, accountId);
    },
    async emptyTrash(trashId: string) {
      for (;;) {
        const r = await jmap([
          ['Email/query', { accountId, filter: { inMailbox: trashId }, limit: 500 }, 'q'],
          ['Email/set', { accountId, '#destroy': { resultOf: 'q', name: 'Email/query', path: '/ids' } }, 'd'],
        ]);
        if ((r.q.ids as string[]).length === 0) break;
      }
      await refresh(qc, accountId);
    },
  };
}
