// Owns: the JMAP shapes the app reads (RFC 8620/8621, the properties it asks for).
export interface EmailAddress {
  name: string | null;
  email: string;
}

export interface JmapAccountInfo {
  name: string;
  isPersonal: boolean;
  isReadOnly: boolean;
  accountCapabilities: Record<string, unknown>;
}

export interface JmapSession {
  accounts: Record<string, JmapAccountInfo>;
  primaryAccounts: Record<string, string>;
  username: string;
  capabilities: Record<string, Record<string, unknown>>;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl?: string;
  state: string;
}

export interface Mailbox {
  id: string;
  name: string;
  parentId: string | null;
  role: string | null;
  sortOrder: number;
  totalEmails: number;
  unreadEmails: number;
  totalThreads: number;
  unreadThreads: number;
  myRights?: Record<string, boolean>;
}

export interface BodyPart {
  partId: string | null;
  blobId: string | null;
  size: number;
  name: string | null;
  type: string;
  charset: string | null;
  disposition: string | null;
  cid: string | null;
}

export interface Email {
  id: string;
  threadId: string;
  mailboxIds: Record<string, boolean>;
  keywords: Record<string, boolean>;
  from: EmailAddress[] | null;
  to: EmailAddress[] | null;
  cc?: EmailAddress[] | null;
  bcc?: EmailAddress[] | null;
  replyTo?: EmailAddress[] | null;
  subject: string | null;
  receivedAt: string;
  sentAt?: string | null;
  size: number;
  preview?: string;
  hasAttachment?: boolean;
  messageId?: string[] | null;
  references?: string[] | null;
  inReplyTo?: string[] | null;
  blobId?: string;
  textBody?: BodyPart[];
  htmlBody?: BodyPart[];
  attachments?: BodyPart[];
  bodyValues?: Record<string, { value: string; isTruncated?: boolean; isEncodingProblem?: boolean }>;
}

export interface Identity {
  id: string;
  name: string;
  email: string;
  textSignature?: string;
  htmlSignature?: string;
}
