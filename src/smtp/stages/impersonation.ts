// Stage `impersonation` (issue 12): mail from outside that pretends to be the province gets a
// Vietnamese warning. "From outside" is the inbound listener without an authenticated account,
// unless the From: domain is ours and passed DMARC (the `auth` stage's outcome: this stage runs
// after it). Three checks on the first From: address:
//  1. its display name (or a piece of it between dashes, bars, commas, brackets) is the whole
//     name of an official, a unit or a list of the directory — accents, case and đ ignored, one
//     map lookup in the directory's search index (DirectoryService.byName) — other than the owner
//     of that very address; or it shows one of our addresses that is not the sender's;
//  2. its domain imitates one of ours (core/lookalike.ts: kontum-gov.vn, kontum.gov.vn.example,
//     Unicode confusables and IDN, a small edit distance);
//  3. it is a free-mail address (core/free-mail.ts) whose display name claims a provincial body.
// Effect, when any holds: `X-Thutin-Warning:` (Vietnamese / English, what and why), an
// `Authentication-Results:` field of ours with `x-thutin-impersonation=fail reason=…` (and
// `X-Thutin-Impersonation: fail`), and the Subject prefixed with hygiene.impersonation.subjectPrefix
// so every IMAP/POP3 client shows it; core/hygiene.ts then gives each local copy the `$Phishing`
// keyword (a flag a client or webmail can show). The message has already been verified (DKIM included)
// when the stage changes its Subject; a copy later forwarded carries the changed Subject.
// It never refuses. Its finding is left in ctx.shared under 'impersonation'.
import { CONTINUE, type DataContext, type Stage, type StageDeps } from '../pipeline.ts';
import { authOutcome } from './authenticity.ts';
import { decodeEncodedWords } from '../../core/mime/index.ts';
import { claimsProvincialBody, foldedWords, freeMailMatcher } from '../../core/free-mail.ts';
import { imitatedDomain } from '../../core/lookalike.ts';
import { addressesShownIn } from '../from-field.ts';

export const IMPERSONATION_SHARED_KEY = 'impersonation';

export interface ImpersonationFinding {
  reason: 'display-name' | 'display-address' | 'lookalike-domain' | 'free-mail-claim';
  /** What is imitated: an official's or unit's name, one of our domains or addresses, a claimed body. */
  imitates: string;
}

/** The finding of the `impersonation` stage for this message, if it flagged it. */
export function impersonationFinding(ctx: DataContext): ImpersonationFinding[] | undefined {
  return ctx.shared.get(IMPERSONATION_SHARED_KEY) as ImpersonationFinding[] | undefined;
}

/** A header field with an RFC 2047 encoded text, folded into encoded-words of at most 75 characters. */
export function encodedField(name: string, text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `${name}: ${text}`;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text.normalize('NFC')) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return `${name}: ${words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ')}`;
}

const PIECES = /\s*(?:[|,;:()[\]/<>"]|\s[-–—]\s)\s*/;

export function impersonationStage({ app }: StageDeps): Stage {
  const cfg = app.config.hygiene;
  const isFree = freeMailMatcher(cfg.freeMail.domains);
  const ours = app.config.hostname.toLowerCase();
  const log = app.log.child({ component: 'smtp', stage: 'impersonation' });

  async function findings(address: string, domain: string, name: string): Promise<ImpersonationFinding[]> {
    const out: ImpersonationFinding[] = [];
    if (name) {
      const pieces = [name, ...name.split(PIECES)].map((p) => p.trim()).filter((p) => foldedWords(p).length >= 2);
      const hit = (await app.directory.byName([...new Set(pieces)].slice(0, 6))).find((e) => (e.email ?? '').toLowerCase() !== address);
      if (hit) out.push({ reason: 'display-name', imitates: hit.name });
      const shown = addressesShownIn(name).find((a) => a !== address && app.domains.isLocal(a.slice(a.lastIndexOf('@') + 1)));
      if (shown) out.push({ reason: 'display-address', imitates: shown });
    }
    const look = imitatedDomain(domain, app.domains.all(), cfg.impersonation.maxDistance);
    if (look) out.push({ reason: 'lookalike-domain', imitates: look.imitates });
    if (isFree(domain) && name) {
      const claim = claimsProvincialBody(name, cfg.impersonation.claimWords);
      if (claim) out.push({ reason: 'free-mail-claim', imitates: name });
    }
    return out;
  }

  return {
    name: 'impersonation',
    async data(ctx) {
      if (ctx.session.listener !== 'inbound' || ctx.session.account) return CONTINUE;
      const from = ctx.content.index.envelope.from?.find((a) => a.mailbox && a.host);
      if (!from?.host || !from.mailbox) return CONTINUE;
      const domain = from.host.toLowerCase().replace(/\.$/, '');
      const address = `${from.mailbox}@${domain}`.toLowerCase();
      if (app.domains.isLocal(domain) && authOutcome(ctx)?.dmarc === 'pass') return CONTINUE; // ours, authenticated
      const name = from.name ? decodeEncodedWords(from.name).normalize('NFC').replace(/\s+/g, ' ').trim() : '';
      const found = await findings(address, domain, name);
      if (!found.length) return CONTINUE;
      ctx.shared.set(IMPERSONATION_SHARED_KEY, found);
      const what = found.map((f) => `${f.reason} (${f.imitates})`).join(', ');
      ctx.addHeader(
        encodedField(
          'X-Thutin-Warning',
          `Thư từ bên ngoài: người gửi ${address} có thể giả danh ${found[0].imitates}; hãy thận trọng / External mail: the sender may be impersonating ${found[0].imitates}; be careful`,
        ),
      );
      ctx.addHeader(`X-Thutin-Impersonation: fail; ${what.replace(/[^\x20-\x7e]/g, '?')}`);
      ctx.addHeader(`Authentication-Results: ${ours};\r\n x-thutin-impersonation=fail reason=${found.map((f) => f.reason).join(',')} header.from=${domain}`);
      const prefix = cfg.impersonation.subjectPrefix;
      if (prefix) {
        const subject = ctx.content.index.envelope.subject ? decodeEncodedWords(ctx.content.index.envelope.subject) : '';
        if (!subject.startsWith(prefix)) {
          ctx.dropHeader('Subject');
          ctx.addHeader(encodedField('Subject', subject ? `${prefix} ${subject}` : prefix));
        }
      }
      log.info({ session: ctx.session.id, queueId: ctx.queueId, from: address, findings: found }, 'possible impersonation: warning added');
      return CONTINUE;
    },
  };
}
