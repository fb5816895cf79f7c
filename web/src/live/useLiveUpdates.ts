// Owns: live updates. JMAP push over EventSource (RFC 8620 §7.3, the session's eventSourceUrl):
// a StateChange refreshes folders and lists at once. Where the server has no push (the stream
// fails), the app polls every 15 s instead.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';

const POLL_MS = 15_000;

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: ['mailboxes'] });
      void qc.invalidateQueries({ queryKey: ['emails'] });
    };
    let poll: number | null = null;
    const startPolling = () => {
      if (poll === null) poll = window.setInterval(refresh, POLL_MS);
    };
    let es: EventSource | null = null;
    try {
      es = new EventSource('/jmap/eventsource?types=*&closeafter=no&ping=60', { withCredentials: true });
      es.addEventListener('state', refresh);
      es.onerror = () => {
        // CLOSED: the server refused the stream (no push yet): poll. CONNECTING: the browser retries by itself.
        if (es?.readyState === EventSource.CLOSED) startPolling();
      };
    } catch {
      startPolling();
    }
    return () => {
      es?.close();
      if (poll !== null) window.clearInterval(poll);
    };
  }, [qc]);
}
