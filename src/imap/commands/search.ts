// Owns: SEARCH and UID SEARCH (RFC 3501 6.4.4) with ESEARCH return options (RFC 4731), SAVE
// (RFC 5182), and RFC 5267's CONTEXT=SEARCH: PARTIAL (a window of the result, RFC 9394's negative
// ranges too), UPDATE (the result kept live: search-contexts.ts, search-updates.ts) and CONTEXT
// (a hint, nothing to do).
import { SELECTED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import { runSearch, usesModseq } from '../search.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';
import { esearchHead } from '../search-contexts.ts';
import { partialData, partialSlice } from '../search-results.ts';

export const search: CommandSpec<'SEARCH', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    const update = cmd.returnOptions?.includes('UPDATE') ?? false;
    if (update && sel.contexts.has(cmd.tag)) throw new ImapError('BAD', 'Thẻ đã có kết quả đang cập nhật / duplicate search update tag');
    // The folder's metadata from its table kept in memory (flag-tables.ts: brought up to date by a
    // read begun now), in UID order, instead of reading every row for each SEARCH.
    const messages = await s.flagTables.ordered(sel.info.id);
    const found = await runSearch(s.store, sel, cmd.query, messages);
    const nums = found.map((m) => (cmd.uid ? m.uid : sel.seqOf(m.uid)));
    const modseq = usesModseq(cmd.query) && found.length ? found.reduce((a, m) => Math.max(a, m.modseq), 0) : null;
    if (usesModseq(cmd.query)) {
      const enabled = sel.enableCondstore();
      s.enabled.add('CONDSTORE');
      if (enabled) s.untagged(enabled);
    }
    if (cmd.returnOptions === null) {
      s.untagged(`SEARCH${nums.length ? ' ' + nums.join(' ') : ''}${modseq !== null ? ` (MODSEQ ${modseq})` : ''}`);
      return;
    }
    // ALL is implied when nothing but the CONTEXT hint was asked (RFC 4731 3.1, RFC 5267 4.2).
    const opts = cmd.returnOptions.some((o) => o !== 'CONTEXT') ? cmd.returnOptions : ['ALL'];
    if (update && !sel.contexts.add({ tag: cmd.tag, uid: cmd.uid, query: cmd.query, criteria: null, result: found.map((m) => m.uid) }))
      s.untagged(`NO [NOUPDATE "${cmd.tag.replace(/["\\]/g, '')}"] Quá nhiều kết quả đang cập nhật / too many live searches`);
    // RFC 9394 3.1: with PARTIAL, SAVE keeps the window only.
    if (opts.includes('SAVE')) sel.saved = (cmd.partial ? partialSlice(found, cmd.partial) : found).map((m) => m.uid);
    if (opts.length === 1 && opts[0] === 'SAVE') return;
    // RFC 4731 3.2: with only MIN and/or MAX asked, MODSEQ is the highest of the messages returned
    // (the first and/or last found), not of every message found.
    const returned = opts.filter((o) => o !== 'SAVE' && o !== 'CONTEXT' && o !== 'UPDATE');
    let esearchModseq = modseq;
    if (modseq !== null && returned.length && returned.every((o) => o === 'MIN' || o === 'MAX')) {
      const ends = [...(returned.includes('MIN') ? [found[0]] : []), ...(returned.includes('MAX') ? [found[found.length - 1]] : [])];
      esearchModseq = Math.max(...ends.map((m) => m.modseq));
    }
    const parts: string[] = [esearchHead(cmd.tag, cmd.uid)];
    if (nums.length) {
      if (opts.includes('MIN')) parts.push(`MIN ${nums.reduce((a, n) => Math.min(a, n))}`);
      if (opts.includes('MAX')) parts.push(`MAX ${nums.reduce((a, n) => Math.max(a, n))}`);
      if (opts.includes('ALL')) parts.push(`ALL ${formatSequenceSet(nums)}`);
    }
    if (cmd.partial) parts.push(partialData(cmd.partial, partialSlice(nums, cmd.partial)));
    if (opts.includes('COUNT')) parts.push(`COUNT ${nums.length}`);
    if (esearchModseq !== null) parts.push(`MODSEQ ${esearchModseq}`);
    s.untagged(parts.join(' '));
  },
};
