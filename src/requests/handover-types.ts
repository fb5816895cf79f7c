// Owns: the shapes of a unit-head handover's record (issue 11, R8.3) — the facts read before and
// after, the record kept in the item's result, the acknowledgements, and the ports that read the
// facts — shared by the record's service (handover.ts), its PDF (pdf/handover-record.ts) and the
// request core, so none of them imports another for a type.

export interface PersonBrief {
  name: string;
  address: string | null;
  title: string;
}

export interface HandoverFacts {
  unit: { code: string; name: string };
  mailbox: string | null;
  head: PersonBrief | null;
  folders: Array<{ name: string; messages: number; bytes: number }>;
  delegates: Array<{ address: string; name: string | null; rights: string[] }>;
}

/** The record kept in the handover item's result. */
export interface HandoverRecord {
  requestId: number;
  line: number;
  at: number;
  document: { number: string; date: string; signer: string } | null;
  unit: { code: string; name: string };
  mailbox: string | null;
  outgoing: PersonBrief | null;
  incoming: PersonBrief | null;
  folders: HandoverFacts['folders'];
  delegatesBefore: HandoverFacts['delegates'];
  delegatesAfter: HandoverFacts['delegates'];
  /** The unit mailbox's password was changed (its sessions ended); the new one is handed over in person. */
  mailboxRotated: boolean;
}

export type AckRole = 'outgoing' | 'incoming';

export interface Acknowledgement {
  role: AckRole;
  address: string;
  at: number;
}

/** What the record needs to read (app.ts wires the directory, the store and the delegations). */
export interface HandoverPorts {
  unit(code: string): Promise<{ code: string; name: string; mailbox: string | null; headPersonId: number | null } | null>;
  person(id: number): Promise<PersonBrief | null>;
  personByAddress(address: string): Promise<PersonBrief | null>;
  /** The mailbox's folders with their message counts and bytes. */
  folders(address: string): Promise<HandoverFacts['folders']>;
  delegates(address: string): Promise<Array<{ address: string; rights: string[] }>>;
}
