// Owns: the METADATA commands' arguments (RFC 5464 §4):
//   GETMETADATA [(MAXSIZE n DEPTH 0|1|infinity)] mailbox (entry …) | entry
//   SETMETADATA mailbox (entry value [entry value …]); value = nstring / literal8
// Entry names are astrings; whether they are valid is the handler's (core/mailbox-metadata.ts).
import { ParseError, describeToken } from '../errors.ts';
import { readMailbox } from '../mailbox-name.ts';
import type { Reader } from '../tokenizer.ts';
import type { GetMetadataCommand, SetMetadataCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

function entries(r: Reader): string[] {
  if (r.peek() === 0x28) return r.list('metadata entry', () => r.astring('metadata entry').toString('utf8'), false);
  return [r.astring('metadata entry').toString('utf8')];
}

export const parseGetMetadata: CommandParser = (r, { tag }): GetMetadataCommand => {
  r.sp('mailbox name');
  let maxSize: number | null = null;
  let depth: '0' | '1' | 'infinity' = '0';
  if (r.peek() === 0x28) {
    const opts = r.list('GETMETADATA option', () => {
      const name = r.keyword('GETMETADATA option');
      r.sp('option value');
      if (name === 'MAXSIZE') maxSize = r.number('MAXSIZE');
      else if (name === 'DEPTH') {
        const d = r.astring('DEPTH').toString('latin1').toLowerCase();
        if (d !== '0' && d !== '1' && d !== 'infinity') throw new ParseError(`Invalid DEPTH ${describeToken(d)}`);
        depth = d;
      } else throw new ParseError(`Unknown GETMETADATA option ${describeToken(name)}`);
      return name;
    });
    if (new Set(opts).size !== opts.length) throw new ParseError('GETMETADATA option given twice');
    r.sp('mailbox name');
  }
  const mailbox = readMailbox(r);
  r.sp('metadata entries');
  return { name: 'GETMETADATA', tag, mailbox, maxSize, depth, entries: entries(r) };
};

export const parseSetMetadata: CommandParser = (r, { tag }): SetMetadataCommand => {
  r.sp('mailbox name');
  const mailbox = readMailbox(r);
  r.sp('metadata list');
  const flat: Array<string | Buffer | null> = [];
  r.list(
    'metadata entry-value',
    () => {
      flat.push(r.astring('metadata entry').toString('utf8'));
      r.sp('metadata value');
      if (r.isLiteralStart(true)) flat.push(r.literal('metadata value', true).data);
      else flat.push(r.nstring('metadata value'));
      return null;
    },
    false,
  );
  const items: SetMetadataCommand['items'] = [];
  for (let i = 0; i < flat.length; i += 2) items.push({ entry: flat[i] as string, value: flat[i + 1] as Buffer | null });
  return { name: 'SETMETADATA', tag, mailbox, items };
};
