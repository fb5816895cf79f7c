// The life cycle of a request (issue 11), as one pure function: which event may move a request in
// which state to which state, and who may cause it. draft → submitted (by the agency head; by the
// agency's clerk it waits for the head's sign-off) → scheduled once the Provincial Office approves
// (or rejected, with a reason) → executed (or failed, visible and retried) → notified; the requester
// withdraws before approval. No I/O: the service (service.ts) applies the answer.
// Owns: the states, the events and the transition table.

export const STATES = ['draft', 'awaiting-signoff', 'submitted', 'scheduled', 'executing', 'executed', 'failed', 'notified', 'rejected', 'withdrawn'] as const;
export type RequestState = (typeof STATES)[number];

export const EVENTS = ['submit', 'signoff', 'approve', 'reject', 'withdraw', 'start', 'finish', 'fail', 'notify'] as const;
export type RequestEvent = (typeof EVENTS)[number];

/** Who acts, as the transition table sees them. */
export interface Standing {
  /** Files requests for the request's unit as its agency head (or province-wide: sysadmin, directory manager). */
  head: boolean;
  /** Files for the unit as the agency's clerk only (their submission waits for the head). */
  clerk: boolean;
  /** The Provincial Office: approves and rejects (sysadmin, directory manager). */
  approver: boolean;
  /** The account that filed the request. */
  requester: boolean;
  /** The executor (runDue, or a sysadmin's "execute now"). */
  executor: boolean;
}

export type Transition = { ok: true; to: RequestState } | { ok: false; why: 'state' | 'actor' };

const TABLE: Record<RequestEvent, { from: readonly RequestState[]; may: (s: Standing) => boolean; to: (s: Standing) => RequestState }> = {
  // a head's (or the Provincial Office's) submission is complete; a clerk's waits for the head
  submit: { from: ['draft'], may: (s) => s.head || s.clerk, to: (s) => (s.head ? 'submitted' : 'awaiting-signoff') },
  signoff: { from: ['awaiting-signoff'], may: (s) => s.head, to: () => 'submitted' },
  approve: { from: ['submitted'], may: (s) => s.approver, to: () => 'scheduled' },
  reject: { from: ['awaiting-signoff', 'submitted'], may: (s) => s.approver, to: () => 'rejected' },
  // the requester, or the agency's head (who may also take back a clerk's submission instead of signing it)
  withdraw: { from: ['draft', 'awaiting-signoff', 'submitted'], may: (s) => s.requester || s.head, to: () => 'withdrawn' },
  // 'executing' again only once the claim lapsed (a crashed executor; checked against the lease by the executor)
  start: { from: ['scheduled', 'failed', 'executing'], may: (s) => s.executor, to: () => 'executing' },
  finish: { from: ['executing'], may: (s) => s.executor, to: () => 'executed' },
  fail: { from: ['executing'], may: (s) => s.executor, to: () => 'failed' },
  notify: { from: ['executed'], may: (s) => s.executor, to: () => 'notified' },
};

/** May `event` happen to a request in `state`, caused by someone standing as `standing`, and where does it lead? */
export function transition(state: RequestState, event: RequestEvent, standing: Standing): Transition {
  const t = TABLE[event];
  if (!t.from.includes(state)) return { ok: false, why: 'state' };
  if (!t.may(standing)) return { ok: false, why: 'actor' };
  return { ok: true, to: t.to(standing) };
}

/** The states an event may start from (for messages: "only a submitted request can be approved"). */
export function statesFor(event: RequestEvent): readonly RequestState[] {
  return TABLE[event].from;
}

/** Vietnamese names of the states, for messages and notices. */
export const STATE_LABEL: Record<RequestState, string> = {
  draft: 'bản nháp',
  'awaiting-signoff': 'chờ thủ trưởng ký duyệt',
  submitted: 'đã gửi, chờ Văn phòng UBND tỉnh phê duyệt',
  scheduled: 'đã phê duyệt, chờ ngày hiệu lực',
  executing: 'đang thực hiện',
  executed: 'đã thực hiện',
  failed: 'thực hiện lỗi',
  notified: 'đã thực hiện và thông báo',
  rejected: 'bị từ chối',
  withdrawn: 'đã rút',
};

/** Requests still waiting for someone (the approval queue, the overdue flag). */
export const PENDING: readonly RequestState[] = ['awaiting-signoff', 'submitted'];
