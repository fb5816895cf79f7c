// The kinds of request (issue 11) and what each carries: a joiner (R6.1), a mover (R6.2), a leaver
// (R6.3), an information update (R5.10), a password reset (R7.4), a unit-head handover (R8.3), and
// unit changes (create, rename, dissolve into a successor). Each payload is a zod schema, checked
// when a request is filed (one form or one CSV row) and again when it is executed.
// Owns: the kinds, their payload schemas, which need an official document, and the request's public shapes.
import { z } from 'zod';
import type { RequestState } from './lifecycle.ts';

export const ITEM_KINDS = ['joiner', 'mover', 'leaver', 'update', 'password-reset', 'handover', 'unit-create', 'unit-rename', 'unit-dissolve'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type RequestKind = ItemKind | 'batch';

/** Kinds that must carry the official document (number, date, signer) before they are submitted. */
export const DOCUMENT_REQUIRED: readonly ItemKind[] = ['joiner', 'leaver', 'handover', 'unit-create', 'unit-rename', 'unit-dissolve'];

export const KIND_LABEL: Record<RequestKind, string> = {
  joiner: 'tiếp nhận cán bộ mới',
  mover: 'điều chuyển cán bộ',
  leaver: 'cán bộ nghỉ việc',
  update: 'cập nhật thông tin',
  'password-reset': 'cấp lại mật khẩu',
  handover: 'bàn giao thủ trưởng đơn vị',
  'unit-create': 'thành lập đơn vị',
  'unit-rename': 'đổi tên đơn vị',
  'unit-dissolve': 'giải thể / sáp nhập đơn vị',
  batch: 'yêu cầu theo lô',
};

const text = (max: number) => z.string().trim().min(1).max(max);
/** A person: their address, or their id in the directory. */
const personRef = z.union([z.number().int().positive(), text(254)]);

export const PAYLOADS = {
  joiner: z
    .object({
      fullName: text(200),
      unitCode: text(64),
      title: z.string().trim().max(200).optional(),
      phone: z.string().trim().max(64).optional(),
      localPart: z.string().trim().max(64).optional(),
      confirmDuplicate: z.boolean().optional(),
    })
    .strict(),
  mover: z.object({ person: personRef, unitCode: text(64), title: z.string().trim().max(200).optional(), headOfUnit: z.boolean().optional() }).strict(),
  // successor: named in the automatic reply (else the unit's address); forward: the successor also gets a copy
  leaver: z.object({ person: personRef, why: z.enum(['retirement', 'transfer', 'dismissal', 'other']).default('other'), successor: personRef.optional(), forward: z.boolean().optional() }).strict(),
  update: z.object({ person: personRef, fullName: z.string().trim().min(1).max(200).optional(), title: z.string().trim().max(200).optional(), phone: z.string().trim().max(64).optional() }).strict(),
  'password-reset': z.object({ person: personRef }).strict(),
  handover: z.object({ unitCode: text(64), person: personRef }).strict(),
  'unit-create': z.object({ code: text(32), name: text(200), kind: text(32), parentCode: text(64), abbreviation: z.string().trim().max(64).optional(), withMailbox: z.boolean().optional() }).strict(),
  'unit-rename': z.object({ unitCode: text(64), name: text(200), abbreviation: z.string().trim().max(64).optional() }).strict(),
  // merge: the unit's active people and its sub-units go to the successor first (a merger of agencies)
  'unit-dissolve': z.object({ unitCode: text(64), successorCode: z.string().trim().max(64).optional(), merge: z.boolean().optional() }).strict(),
} satisfies Record<ItemKind, z.ZodType>;

export type Payload<K extends ItemKind> = z.infer<(typeof PAYLOADS)[K]>;
export type AnyPayload = { [K in ItemKind]: Payload<K> }[ItemKind];

/** The official document behind a request: số/ký hiệu, ngày ký (YYYY-MM-DD or DD/MM/YYYY), người ký. */
export interface DocumentRef {
  number: string;
  date: string;
  signer: string;
}

export interface ItemInput {
  kind: ItemKind;
  payload: Record<string, unknown>;
  /** The CSV line of a batch row (1 for a single request). */
  line?: number;
}

export interface FileInput {
  kind: RequestKind;
  /** One request: its payload. A batch: `items` (or `csv`). */
  payload?: Record<string, unknown>;
  items?: ItemInput[];
  /** A batch as CSV (UTF-8 with BOM, the directory's headers plus `loai_yeu_cau`). */
  csv?: string;
  document?: DocumentRef;
  /** The day it takes effect (YYYY-MM-DD or DD/MM/YYYY, Vietnam's midnight); absent = as soon as approved. */
  effectiveDate?: string;
  note?: string;
}

/** A request as the API and CLI show it. */
export interface RequestView {
  id: number;
  kind: RequestKind;
  kindLabel: string;
  state: RequestState;
  stateLabel: string;
  unitCode: string | null;
  requester: string;
  summary: string;
  note: string;
  effectiveAt: number | null;
  dueAt: number | null;
  overdue: boolean;
  rejectReason: string | null;
  error: string | null;
  createdAt: number;
  submittedAt: number | null;
  decidedAt: number | null;
  executedAt: number | null;
  notifiedAt: number | null;
  progress: { done: number; total: number };
}
