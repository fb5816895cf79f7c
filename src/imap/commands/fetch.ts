// Owns: FETCH and UID FETCH (RFC 3501 6.4.5, CONDSTORE's CHANGEDSINCE/MODSEQ and QRESYNC's
// VANISHED from RFC 7162). Metadata comes from the messages table a batch at a time, ENVELOPE/
// BODYSTRUCTURE from the served index (store.indexesOf), body sections are byte ranges of the
// served message (store.readMessage/streamMessage), written by fetch-writer.ts: small ones
// gathered, large ones streamed with back-pressure, never a whole batch of bodies in memory.
// BINARY[part] and BINARY.SIZE[part] (RFC 3516) answer a part decoded (binary.ts), as literal8.
// Metadata alone, or with ENVELOPE (kept serialized: envelope-texts.ts), is written as bytes at once
// (protocol/line-bytes.ts); of the whole folder, from the folder's table (flag-tables.ts) and, for
// ENVELOPE, the folder's index of envelopes by UID, without reading every message's row.
import { SELECTED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import type { ImapStore, SelectedContext } from '../context.ts';
import { FetchWriter, READ_AHEAD, withoutNuls, type BodyRange, type FetchValue } from '../fetch-writer.ts';
import { resolveUids } from '../sequence.ts';
import type { FetchItem, Section, SequenceSet } from '../parser/types.ts';
import { fetchItemLabel, fetchItemSetsSeen } from '../parser/fetch-items.ts';
import { formatSequenceSet, resolveSequenceSet, sequenceSetMatcher } from '../parser/sequence-set.ts';
import { formatRanges } from '../uid-map.ts';
import type { MessageMeta } from '../../core/mailstore.ts';
import type { MessageIndex } from '../../core/mime/types.ts';
import { SEEN } from '../../core/flags.ts';
import { atom, literal, literal8 } from '../protocol/value.ts';
import { LineBytes } from '../protocol/line-bytes.ts';
import { binaryPart } from '../binary.ts';
import { formatInternalDate } from '../protocol/serialize.ts';
import { envelopeValue } from '../protocol/envelope.ts';
import { bodyStructureValue } from '../protocol/bodystructure.ts';
import { resolveSection, filterHeaderFields, partialRange } from '../protocol/section.ts';

const BATCH = 200;
/** Envelopes of a metadata FETCH with ENVELOPE looked up and written this many at a time. */
const ENVELOPE_BATCH = 2000;

/** RFC 5530: some messages asked for were expunged by another session; the others were answered. */
const expungeIssued = () => new ImapError('NO', 'Một số thư đã bị xoá / some of the requested messages no longer exist', 'EXPUNGEISSUED');

/** Whether any item needs the stored MIME index (everything but flags, sizes, dates and BODY[]). */
function needsIndex(items: FetchItem[]): boolean {
  return items.some(
    (i) =>
      (i.type === 'attribute' && ['ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822.HEADER', 'RFC822.TEXT'].includes(i.attribute)) ||
      (i.type === 'body' && (i.section.part.length > 0 || i.section.specifier !== null)) ||
      ((i.type === 'binary' || i.type === 'binary.size') && i.part.length > 0),
  );
}

type PartialSpec = { offset: number; length: number } | null;

/**
 * A section, or its <offset.length> part: a range of the served message, read or streamed when it
 * is written (a client fetching a large attachment in chunks reads only each chunk); filtered
 * header fields are read here and cut after filtering.
 */
async function sectionValue(store: ImapStore, m: MessageMeta, index: MessageIndex | undefined, section: Section, partial: PartialSpec = null): Promise<FetchValue> {
  const range = (start: number, end: number): BodyRange => {
    const r = partial ? partialRange({ start, end }, partial.offset, partial.length) : { start, end };
    return { body: m, start: r.start, end: Math.max(r.start, r.end) };
  };
  if (section.part.length === 0 && section.specifier === null) return range(0, m.size);
  if (!index) throw new Error('index required');
  const r = resolveSection(index, { path: section.part, part: section.specifier, fields: section.fields ?? undefined });
  if ('empty' in r) return literal(Buffer.alloc(0));
  if ('filterHeaders' in r) {
    const h = await store.readMessage(m, r.filterHeaders.start, r.filterHeaders.end);
    const filtered = withoutNuls(filterHeaderFields(h, r.filterHeaders.fields, r.filterHeaders.not));
    if (!partial) return literal(filtered);
    const p = partialRange({ start: 0, end: filtered.length }, partial.offset, partial.length);
    return literal(filtered.subarray(p.start, p.end));
  }
  return range(r.start, r.end);
}

/** The items of one message's FETCH response; body sections stay ranges until written. */
async function fetchOne(s: SelectedContext, m: MessageMeta, index: MessageIndex | undefined, items: FetchItem[], flagsChanged: boolean): Promise<FetchValue[]> {
  const sel = s.selected;
  const out: FetchValue[] = [];
  const needIndex = (): MessageIndex => {
    if (!index) throw new Error(`no index for message ${m.uid}`);
    return index;
  };
  let sawFlags = false;
  let sawUid = false;
  for (const it of items) {
    if (it.type === 'attribute') {
      switch (it.attribute) {
        case 'UID':
          if (sawUid) break;
          sawUid = true;
          out.push(atom('UID'), m.uid);
          break;
        case 'FLAGS':
          sawFlags = true;
          out.push(atom('FLAGS'), sel.flagList(m));
          break;
        case 'INTERNALDATE':
          out.push(atom('INTERNALDATE'), formatInternalDate(new Date(m.internalDate), m.internalDateZone));
          break;
        case 'RFC822.SIZE':
          out.push(atom('RFC822.SIZE'), m.size);
          break;
        case 'MODSEQ':
          out.push(atom('MODSEQ'), [m.modseq]);
          break;
        case 'ENVELOPE':
          out.push(atom('ENVELOPE'), envelopeValue(needIndex().envelope));
          break;
        case 'BODYSTRUCTURE':
          out.push(atom('BODYSTRUCTURE'), bodyStructureValue(needIndex().root, true));
          break;
        case 'BODY':
          out.push(atom('BODY'), bodyStructureValue(needIndex().root, false));
          break;
        case 'RFC822':
          out.push(atom('RFC822'), { body: m, start: 0, end: m.size });
          break;
        case 'RFC822.HEADER':
          out.push(atom('RFC822.HEADER'), await sectionValue(s.store, m, index, { part: [], specifier: 'HEADER', fields: null }));
          break;
        case 'RFC822.TEXT':
          out.push(atom('RFC822.TEXT'), await sectionValue(s.store, m, index, { part: [], specifier: 'TEXT', fields: null }));
          break;
      }
    } else if (it.type === 'body') {
      out.push(atom(fetchItemLabel(it)), await sectionValue(s.store, m, index, it.section, it.partial));
    } else if (it.type === 'binary') {
      let bytes = await binaryPart(s.store, m, index, it.part);
      if (it.partial) {
        const p = partialRange({ start: 0, end: bytes.length }, it.partial.offset, it.partial.length);
        bytes = bytes.subarray(p.start, Math.max(p.start, p.end));
      }
      out.push(atom(fetchItemLabel(it)), literal8(bytes));
    } else {
      out.push(atom(fetchItemLabel(it)), (await binaryPart(s.store, m, index, it.part)).length);
    }
  }
  if (flagsChanged && !sawFlags) out.push(atom('FLAGS'), sel.flagList(m));
  return out;
}

const SIMPLE = new Set(['UID', 'FLAGS', 'MODSEQ', 'RFC822.SIZE', 'INTERNALDATE']);

/**
 * Only per-message metadata asked for (the common "FETCH 1:* (FLAGS)" of a client's resync), or
 * with `envelope` also ENVELOPE (a folder listing's "FETCH 1:* (UID FLAGS ENVELOPE)")?
 */
function onlyMetadata(items: FetchItem[], envelope = false): boolean {
  return items.every((i) => i.type === 'attribute' && (SIMPLE.has(i.attribute) || (envelope && i.attribute === 'ENVELOPE')));
}

const [UID, FLAGS, MODSEQ, SIZE, ENVELOPE, INTERNALDATE] = [0, 1, 2, 3, 4, 5];
const ITEM_CODE: Record<string, number> = { UID, FLAGS, MODSEQ, 'RFC822.SIZE': SIZE, ENVELOPE, INTERNALDATE };

/**
 * The fast path for metadata-only FETCH: every line is built at once as bytes (protocol/line-bytes.ts),
 * without response values or strings per message, then written with back-pressure. Building
 * before the first write means an answer is read from `metas` as they are when it is asked for.
 * ENVELOPE comes as wire bytes already (envelope-texts.ts; a one-byte string, which may hold a
 * literal's 8-bit bytes).
 */
async function writeSimple(
  s: SelectedContext,
  metas: readonly MessageMeta[],
  items: FetchItem[],
  changed: Set<number>,
  withModseq: boolean,
  envelopeOf: ((m: MessageMeta) => string) | null = null,
  expected = 0,
): Promise<void> {
  const sel = s.selected;
  const attrs = items.map((i) => (i as { attribute: string }).attribute);
  if (withModseq && !attrs.includes('MODSEQ')) attrs.push('MODSEQ');
  // UID once (a client may ask for it twice); FLAGS added where a FETCH set \Seen without asking for them.
  const wanted = attrs.filter((a, i) => a !== 'UID' || attrs.indexOf('UID') === i).map((a) => ITEM_CODE[a] ?? INTERNALDATE);
  const wantsFlags = wanted.includes(FLAGS);
  // Each full buffer goes to the socket at once (no wait between them: the lines are built from
  // `metas` as they are now); the client reads the first while the rest are built.
  const out = new LineBytes(expected * 40, (chunk) => s.write(chunk));
  const flagBytes = new Map<string, Buffer>();
  // One loop with a switch, no function per item: it is made fast once, early in a large answer.
  for (const m of metas) {
    const seq = sel.seqOf(m.uid);
    if (!seq) continue;
    out.text('* ').number(seq).text(' FETCH (');
    const n = wanted.length + (!wantsFlags && changed.size && changed.has(m.uid) ? 1 : 0);
    for (let i = 0; i < n; i++) {
      if (i) out.text(' ');
      switch (i < wanted.length ? wanted[i] : FLAGS) {
        case UID:
          out.text('UID ').number(m.uid);
          break;
        case FLAGS: {
          // "FLAGS (…)" as bytes, once per distinct text (a folder has few).
          const text = sel.flagText(m);
          let bytes = flagBytes.get(text);
          if (!bytes) flagBytes.set(text, (bytes = Buffer.from(`FLAGS (${text})`, 'latin1')));
          out.bytes(bytes);
          break;
        }
        case MODSEQ:
          out.text('MODSEQ (').number(m.modseq).text(')');
          break;
        case SIZE:
          out.text('RFC822.SIZE ').number(m.size);
          break;
        case ENVELOPE:
          out.text('ENVELOPE ').text(envelopeOf!(m));
          break;
        default:
          out
            .text('INTERNALDATE "')
            .text(formatInternalDate(new Date(m.internalDate), m.internalDateZone))
            .text('"');
      }
    }
    out.text(')\r\n');
  }
  for (const chunk of out.take()) s.write(chunk);
  await s.drain();
}

/** Whether a set names every message the session shows (1:*, or UID 1:* and the like). */
function coversFolder(sel: SelectedContext['selected'], set: SequenceSet, byUid: boolean): boolean {
  if (set.kind !== 'ranges' || !sel.exists) return false;
  // A sequence number past the folder is an error resolveUids reports.
  if (!byUid && set.ranges.some((r) => (r.start !== '*' && r.start > sel.exists) || (r.end !== '*' && r.end > sel.exists))) return false;
  const first = byUid ? sel.uids.uidAt(1) : 1;
  const last = byUid ? sel.maxUid : sel.exists;
  return resolveSequenceSet(set, last).some(([lo, hi]) => lo <= first && hi >= last);
}

/**
 * A metadata-only FETCH of the whole folder from the folder's table (flag-tables.ts), in UID order,
 * without resolving the set to UIDs and looking each up: false, having written nothing, when the table lacks a message
 * the session shows (another session expunged it; the general path answers that).
 */
async function writeWholeFolder(s: SelectedContext, items: FetchItem[], changedSince: bigint | null): Promise<boolean> {
  const sel = s.selected;
  // In UID order, never changed: kept across the awaits below as it is now.
  const ordered = await s.flagTables.ordered(sel.info.id);
  let shown = 0;
  const keyworded: MessageMeta[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const m = ordered[i];
    if (!sel.uids.has(m.uid)) continue;
    shown++;
    if (m.keywords) keyworded.push(m);
  }
  if (shown !== sel.exists) return false;
  // Rows the session does not show yet (delivered since it last heard) are skipped as they are written.
  let list: readonly MessageMeta[] = ordered;
  if (changedSince !== null) {
    const since = changedSince > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(changedSince);
    list = list.filter((m) => m.modseq > since);
  }
  // ENVELOPE by UID from the folder's index (envelope-texts.ts), not by reading every row whole.
  const withEnvelope = items.some((i) => i.type === 'attribute' && i.attribute === 'ENVELOPE');
  const envelopeOf = withEnvelope ? await s.envelopes.ofFolder(sel.info, list, (uids) => s.store.getMessages(sel.info.id, uids), changedSince === null) : null;
  if (withEnvelope && !envelopeOf) return false;
  const announce = sel.announceKeywords(keyworded);
  if (announce.length) s.untaggedBatch(announce);
  // With ENVELOPE, ENVELOPE_BATCH messages at a time, waiting for the socket between them.
  const step = envelopeOf ? ENVELOPE_BATCH : list.length;
  for (let i = 0; i < list.length; i += step) await writeSimple(s, step === list.length ? list : list.slice(i, i + step), items, new Set(), changedSince !== null, envelopeOf, Math.min(step, shown));
  return true;
}

export const fetch: CommandSpec<'FETCH', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    const store = s.store;
    if (cmd.changedSince !== null || cmd.items.some((i) => i.type === 'attribute' && i.attribute === 'MODSEQ')) {
      // RFC 7162 3.1: CHANGEDSINCE / MODSEQ enable CONDSTORE for the session.
      const enabled = sel.enableCondstore();
      s.enabled.add('CONDSTORE');
      if (enabled) s.untagged(enabled);
    }
    if (cmd.vanished && !s.enabled.has('QRESYNC')) throw new ImapError('BAD', 'Cần ENABLE QRESYNC trước / ENABLE QRESYNC first');
    // The whole folder's metadata (a client's resync) comes from the folder's table, without a list of UIDs.
    const wholeMetadata = coversFolder(sel, cmd.sequence, cmd.uid) && onlyMetadata(cmd.items, true);
    if (cmd.vanished && cmd.changedSince !== null) {
      // RFC 7162 3.2.6: UIDs in the set expunged since CHANGEDSINCE.
      // When the log no longer reaches CHANGEDSINCE: every UID of the set up to what the session
      // has seen that is not in the mailbox.
      const cs = await store.changesSince(sel.info.id, Number(cmd.changedSince));
      const lastGone = cs.expunged.reduce((a, b) => Math.max(a, b), 0);
      const gone = cs.complete
        ? formatSequenceSet(cs.expunged.filter(sequenceSetMatcher(cmd.sequence, Math.max(sel.maxUid, lastGone), sel.saved)))
        : formatRanges(sel.vanishedWithoutLog(resolveSequenceSet(cmd.sequence, sel.maxUid, sel.saved)));
      if (gone) s.untagged(`VANISHED (EARLIER) ${gone}`);
    }
    if (wholeMetadata && (await writeWholeFolder(s, cmd.items, cmd.changedSince))) return;
    const uids = resolveUids(sel, cmd.sequence, cmd.uid);
    if (!uids.length) return;
    const whole = uids.length === sel.exists;
    let metas: MessageMeta[];
    if (whole && onlyMetadata(cmd.items)) {
      // The folder's table, read out at once, in UID order, each UID once (as a listing would be).
      const rows = await s.flagTables.current(sel.info.id);
      const ordered = uids.every((u, i) => i === 0 || u > uids[i - 1]) ? uids : [...new Set(uids)].sort((a, b) => a - b);
      metas = [];
      for (const u of ordered) {
        const m = rows.get(u);
        if (m && sel.seqOf(u) > 0) metas.push(m);
      }
    } else {
      metas = whole ? await store.listMessages(sel.info.id) : await store.getMessages(sel.info.id, uids);
      const wanted = new Set(uids);
      metas = metas.filter((m) => wanted.has(m.uid) && sel.seqOf(m.uid) > 0);
    }
    // Messages the session still shows that another session expunged: their UID is still known and
    // is answered (RFC 2180 4.1.1); for anything more a FETCH by sequence number answers the others,
    // then NO [EXPUNGEISSUED]; UID FETCH just leaves them out (RFC 2180 4.1).
    let expunged = metas.length < uids.length;
    if (expunged && cmd.changedSince === null && cmd.items.every((i) => i.type === 'attribute' && i.attribute === 'UID')) {
      const present = new Map(metas.map((m) => [m.uid, m]));
      const known = (uid: number): MessageMeta => ({ uid, modseq: 0, flags: 0, keywords: '', size: 0, internalDate: 0, internalDateZone: 0, sha256: '', headerPrefix: null, prefixReplaces: 0 });
      metas = uids.filter((u) => sel.seqOf(u) > 0).map((u) => present.get(u) ?? known(u));
      expunged = false;
    }
    if (cmd.changedSince !== null) metas = metas.filter((m) => BigInt(m.modseq) > cmd.changedSince!);
    const changed = new Set<number>();
    if (!sel.readOnly && cmd.items.some(fetchItemSetsSeen)) {
      const unseen = metas.filter((m) => !(m.flags & SEEN)).map((m) => m.uid);
      if (unseen.length) {
        const r = await store.storeFlags(sel.info.id, unseen, 'add', { mask: SEEN, keywords: [] });
        const byUid = new Map(r.updated.map((u) => [u.uid, u]));
        // Only the flags change: the metas keep where their served bytes come from.
        metas = metas.map((m) => {
          const u = byUid.get(m.uid);
          return u ? { ...m, flags: u.flags, keywords: u.keywords, modseq: u.modseq } : m;
        });
        sel.ownChange(r.modseq, r.updated);
        for (const u of r.updated) changed.add(u.uid);
      }
    }
    // A keyword set since this session last heard is announced before a FETCH shows it (RFC 3501 7.2.6).
    const announce = sel.announceKeywords(metas);
    if (announce.length) s.untaggedBatch(announce);
    if (onlyMetadata(cmd.items, true)) {
      const withModseq = cmd.changedSince !== null;
      if (!cmd.items.some((i) => i.type === 'attribute' && i.attribute === 'ENVELOPE')) await writeSimple(s, metas, cmd.items, changed, withModseq);
      // With ENVELOPE, ENVELOPE_BATCH messages at a time: the texts of a whole large folder are not held at once.
      else
        for (let i = 0; i < metas.length; i += ENVELOPE_BATCH) {
          let batch = metas.slice(i, i + ENVELOPE_BATCH);
          const envelopes = await s.envelopes.of(batch);
          // No envelope: another session expunged the message and its content went meanwhile (as below).
          const none = batch.filter((m) => !envelopes.has(m));
          if (none.length) {
            const still = await store.getMessages(
              sel.info.id,
              none.map((m) => m.uid),
            );
            if (still.length) throw new Error(`no index for message ${still[0].uid}`);
            batch = batch.filter((m) => envelopes.has(m));
            expunged = true;
          }
          await writeSimple(s, batch, cmd.items, changed, withModseq, (m) => envelopes.get(m)!);
        }
      if (expunged && !cmd.uid) throw expungeIssued();
      return;
    }
    const withIndex = needsIndex(cmd.items);
    const items =
      cmd.changedSince !== null && !cmd.items.some((i) => i.type === 'attribute' && i.attribute === 'MODSEQ') ? [...cmd.items, { type: 'attribute', attribute: 'MODSEQ' } as FetchItem] : cmd.items;
    // Metadata and indexes are read a batch at a time; bodies are read or streamed one by one.
    const out = new FetchWriter(s, store);
    // Whole messages asked for (BODY[], RFC822): the next ones are read while one is written.
    const ahead = items.some((i) => (i.type === 'body' && !i.partial && !i.section.part.length && i.section.specifier === null) || (i.type === 'attribute' && i.attribute === 'RFC822'));
    try {
      await writeAll();
    } finally {
      out.dispose();
    }
    if (expunged && !cmd.uid) throw expungeIssued();

    async function writeAll(): Promise<void> {
      for (let i = 0; i < metas.length; i += BATCH) {
        const batch = metas.slice(i, i + BATCH);
        const indexes = withIndex ? await store.indexesOf(batch) : null;
        for (let j = 0; j < batch.length; j++) {
          const m = batch[j];
          if (ahead && out.wantsReadAhead) for (let k = j; k < batch.length && k < j + READ_AHEAD; k++) out.readAhead(batch[k], 0, batch[k].size);
          const seq = sel.seqOf(m.uid);
          if (!seq) continue;
          try {
            await out.message(seq, await fetchOne(s, m, indexes?.get(m), items, changed.has(m.uid)));
          } catch (e) {
            // Another session expunged it (and its content went) after this FETCH read the list:
            // nothing of it was written; the others are answered, then NO [EXPUNGEISSUED] (RFC 5530).
            if (s.isClosed() || (await store.getMessages(sel.info.id, [m.uid])).length) throw e;
            expunged = true;
          }
        }
      }
      await out.flush();
    }
  },
};
