// Owns: what the help pages tell a user to type into a mail program: the server's own answer to
// Thunderbird's autoconfig (/.well-known/autoconfig/mail/config-v1.1.xml, src/http/routes/well-known.ts)
// for the signed-in address — IMAP, POP3 and SMTP host, port and TLS — read with DOMParser.
import { useQuery } from '@tanstack/react-query';

export interface ServerSetting {
  type: string;
  host: string;
  port: number;
  socket: string;
}

export function useClientSetup(address: string | undefined) {
  return useQuery<ServerSetting[]>({
    queryKey: ['client-setup', address],
    enabled: !!address,
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch(`/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address!)}`, { credentials: 'same-origin' });
      const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
      return [...doc.querySelectorAll('incomingServer, outgoingServer')].map((n) => ({
        type: n.getAttribute('type') ?? '',
        host: n.querySelector('hostname')?.textContent ?? '',
        port: Number(n.querySelector('port')?.textContent ?? 0),
        socket: n.querySelector('socketType')?.textContent ?? '',
      }));
    },
  });
}
