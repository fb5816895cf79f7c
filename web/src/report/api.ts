// Owns: the webmail's calls to the incident tickets (/api/v1/tickets, src/http/routes/tickets.ts):
// filing a report (with the message by folder id + UID), the reporter's own tickets, one ticket with
// its replies, replying, closing and reopening.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

export type TicketState = 'new' | 'in_progress' | 'answered' | 'closed';
export type TicketCategory = 'spam' | 'virus' | 'fault' | 'other';
export interface Ticket {
  id: number;
  reporter: string;
  category: TicketCategory;
  subject: string;
  body: string;
  state: TicketState;
  assignee: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}
export interface TicketReply {
  id: number;
  author: string;
  body: string;
  internal: boolean;
  createdAt: number;
}
export interface TicketDetail {
  ticket: Ticket;
  replies: TicketReply[];
  message: { subject: string; size: number } | null;
}

export function fileTicket(input: { category: TicketCategory; text: string; subject?: string; message?: { mailboxId: number; uid: number } }): Promise<{ ticket: Ticket }> {
  return api('POST', '/api/v1/tickets', input);
}

export function useMyTickets() {
  return useQuery<Ticket[]>({ queryKey: ['tickets'], queryFn: async () => (await api<{ tickets: Ticket[] }>('GET', '/api/v1/tickets?limit=200')).tickets });
}

export function useTicket(id: number | null) {
  return useQuery<TicketDetail>({ queryKey: ['ticket', id], enabled: id !== null, queryFn: () => api<TicketDetail>('GET', `/api/v1/tickets/${id}`) });
}

export function useTicketActions() {
  const qc = useQueryClient();
  const done = async (id: number) => {
    await qc.invalidateQueries({ queryKey: ['tickets'] });
    await qc.invalidateQueries({ queryKey: ['ticket', id] });
  };
  return {
    async reply(id: number, text: string) {
      await api('POST', `/api/v1/tickets/${id}/replies`, { text });
      await done(id);
    },
    async transition(id: number, action: 'close' | 'reopen') {
      await api('POST', `/api/v1/tickets/${id}/state`, { action });
      await done(id);
    },
  };
}
