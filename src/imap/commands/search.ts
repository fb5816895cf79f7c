// Owns: SEARCH and UID SEARCH (RFC 3501 6.4.4) with ESEARCH return options (RFC 4731) and SAVE (RFC 5182).
import { SELECTED, type CommandSpec } from './types.ts';
import { runSearch, usesModseq } from '../search.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';

export const search: CommandSpec<'SEARCH', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    const messages = await s.store.listFlags(sel.info.id);
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
    const opts = cmd.returnOptions.length ? cmd.returnOptions : ['ALL'];
    if (opts.includes('SAVE')) sel.saved = found.map((m) => m.uid);
    const onlySave = opts.length === 1 && opts[0] === 'SAVE';
    if (onlySave) return;
    // RFC 4731 3.2: with only MIN and/or MAX asked, MODSEQ is the highest of the messages returned
    // (the first and/or last found), not of every message found.
    const returned = opts.filter((o) => o !== 'SAVE');
    let esearchModseq = modseq;
    if (modseq !== null && returned.length && returned.every((o) => o === 'MIN' || o === 'MAX')) {
      const ends = [...(returned.includes('MIN') ? [found[0]] : []), ...(returned.includes('MAX') ? [found[found.length - 1]] : [])];
      esearchModseq = Math.max(...ends.map((m) => m.modseq));
    }
    const parts: string[] = [`(TAG "${cmd.tag.replace(/["\\]/g, '')}")`];
    if (cmd.uid) parts.push('UID');
    if (nums.length) {
      if (opts.includes('MIN')) parts.push(`MIN ${nums.reduce((a, n) => Math.min(a, n))}`);
      if (opts.includes('MAX')) parts.push(`MAX ${nums.reduce((a, n) => Math.max(a, n))}`);
      if (opts.includes('ALL')) parts.push(`ALL ${formatSequenceSet(nums)}`);
    }
    if (opts.includes('COUNT')) parts.push(`COUNT ${nums.length}`);
    if (esearchModseq !== null) parts.push(`MODSEQ ${esearchModseq}`);
    s.untagged(`ESEARCH ${parts.join(' ')}`);
  },
};
