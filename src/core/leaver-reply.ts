// The leaver's automatic reply (R6.3, issue 11/13): when an official leaves, their address answers
// by itself — in Vietnamese, then English — naming whom to write to instead (a successor, or the
// unit's address), and, when asked, passes a copy to the successor inside the province. It is a
// Sieve vacation script installed and activated on the leaver's account (core/sieve-scripts.ts),
// so there is one way mail is answered automatically; the directory calls it when a person leaves
// and when they come back. Audited as changes made for someone else.
// Owns: the leaver script's text and its name.
import type { SieveScriptService } from './sieve-scripts.ts';

export const LEAVER_SCRIPT = 'nghi-viec';

export interface LeaverInfo {
  accountId: number;
  address: string;
  fullName: string;
  /** Whom to write to instead: a successor's address, or the unit's. */
  contact: string;
  /** A successor inside the province who also receives a copy (null: no copy). */
  forwardTo: string | null;
  since: Date;
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

function day(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  // Vietnam's calendar day (UTC+7)
  const v = new Date(d.getTime() + 7 * 3600_000);
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
}

/** The Sieve script of a leaver's automatic reply. */
export function leaverScript(i: LeaverInfo): string {
  const text = [
    `Đồng chí ${i.fullName} không còn làm việc tại cơ quan từ ngày ${day(i.since)}; thư gửi tới địa chỉ ${i.address} không còn được đọc.`,
    `Xin vui lòng gửi thư tới ${i.contact}.`,
    '',
    `${i.fullName} no longer works here (since ${day(i.since)}); mail to ${i.address} is no longer read.`,
    `Please write to ${i.contact}.`,
  ].join('\n');
  const subject = `Thông báo tự động: ${i.fullName} đã nghỉ việc / automatic reply: no longer works here`;
  return [
    `require ["vacation"${i.forwardTo ? ', "copy"' : ''}];`,
    `# Thư trả lời tự động của cán bộ nghỉ việc (thutin) / a leaver's automatic reply`,
    `vacation :days 1 :subject ${quote(subject)} :addresses [${quote(i.address)}] ${quote(text)};`,
    ...(i.forwardTo ? [`redirect :copy ${quote(i.forwardTo)};`] : []),
    '',
  ].join('\n');
}

export class LeaverReplies {
  constructor(private readonly scripts: Pick<SieveScriptService, 'put' | 'activate' | 'list'>) {}

  /** Install and activate the leaver's automatic reply. */
  async install(i: LeaverInfo, ctx: { actor: string; reason?: string }): Promise<void> {
    const who = { actor: ctx.actor, owner: i.address, self: false, reason: ctx.reason };
    await this.scripts.put(i.accountId, LEAVER_SCRIPT, leaverScript(i), who);
    await this.scripts.activate(i.accountId, LEAVER_SCRIPT, who);
  }

  /** The person is back: the automatic reply stops (their own scripts stay inactive until they choose). */
  async remove(accountId: number, address: string, ctx: { actor: string; reason?: string }): Promise<void> {
    const active = (await this.scripts.list(accountId)).find((s) => s.active);
    if (active?.name === LEAVER_SCRIPT) await this.scripts.activate(accountId, null, { actor: ctx.actor, owner: address, self: false, reason: ctx.reason });
  }
}
