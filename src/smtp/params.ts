// ESMTP parameters of MAIL FROM and RCPT TO that we understand (the extensions we advertise:
// SIZE, 8BITMIME, SMTPUTF8). smtp-server validates their syntax but lets unknown ones through;
// RFC 5321 §4.1.1.11 wants them refused with 555, which this module does.
import type { SMTPServerAddress } from 'smtp-server';
import { replyError } from './replies.ts';

const MAIL_PARAMS = new Set(['SIZE', 'BODY', 'SMTPUTF8']);
const RCPT_PARAMS = new Set<string>();

function check(address: SMTPServerAddress, known: Set<string>): void {
  if (!address.args) return;
  const unknown = Object.keys(address.args).filter((k) => !known.has(k.toUpperCase()));
  if (unknown.length) {
    throw replyError(
      { code: 555, enhanced: '5.5.4', text: 'Tham số không được hỗ trợ / Unsupported parameter' },
      unknown
        .join(' ')
        .replace(/[^A-Z0-9 -]/gi, '')
        .slice(0, 64),
    );
  }
}

export const checkMailParams = (a: SMTPServerAddress): void => check(a, MAIL_PARAMS);
export const checkRcptParams = (a: SMTPServerAddress): void => check(a, RCPT_PARAMS);
