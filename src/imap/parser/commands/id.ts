// Owns: ID (RFC 2971): NIL or ("key" "value" …) with NIL values allowed.

import { ParseError } from '../errors.ts';
import type { IdCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

/** RFC 2971 3.3: at most 30 field-value pairs. */
const MAX_PAIRS = 30;

export const parseId: CommandParser = (r, { tag }): IdCommand => {
  r.sp('ID parameters');
  if (r.isNil()) {
    r.pos += 3;
    return { name: 'ID', tag, params: null };
  }
  const params: { key: string; value: string | null }[] = [];
  r.list(
    'ID parameter',
    () => {
      if (params.length >= MAX_PAIRS) throw new ParseError('Too many ID parameters');
      const key = r.string('ID field name').toString('utf8');
      r.sp('ID field value');
      const value = r.nstring('ID field value');
      params.push({ key, value: value === null ? null : value.toString('utf8') });
    },
    false,
  );
  return { name: 'ID', tag, params };
};
