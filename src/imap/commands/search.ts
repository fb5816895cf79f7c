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
    const modseq = usesModseq(cmd.query) && found.length ? Math.max(...found.map((m) => m.modseq)) : null;
    if (modseq !== null && !sel.condstore) {
      sel.condstore = true;
      s.enabled.add('CONDSTORE');
    }
    if (cmd.returnOptions === null) {
      s.untagged(`SEARCH${nums.length ? ' ' + nums.join(' ') : ''}${modseq !== null ? ` (MODSEQ ${modseq})` : ''}`);
      return;
    }
    const opts = cmd.returnOptions.length ? cmd.returnOptions : ['ALL'];
    if (opts.includes('SAVE')) sel.saved = found.map((m) => m.uid);
    const onlySave = opts.length === 1 && opts[0] === 'SAVE';
    if (onlySave) return;
    const parts: string[] = [`(TAG "${cmd.tag.replace(/["\\]/g, '')}")`];
    if (cmd.uid) parts.push('UID');
    if (nums.length) {
      if (opts.includes('MIN')) parts.push(`MIN ${Math.min(...nums)}`);
      if (opts.includes('MAX')) parts.push(`MAX ${Math.max(...nums)}`);
      if (opts.includes('ALL')) parts.push(`ALL ${formatSequenceSet(nums)}`);
    }
    if (opts.includes('COUNT')) parts.push(`COUNT ${nums.length}`);
    if (modseq !== null) parts.push(`MODSEQ ${modseq}`);
    s.untagged(`ESEARCH ${parts.join(' ')}`);
  },
};
