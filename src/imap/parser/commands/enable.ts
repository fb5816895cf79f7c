// Owns: ENABLE capability… (RFC 5161).

import type { EnableCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

export const parseEnable: CommandParser = (r, { tag }): EnableCommand => {
  const capabilities: string[] = [];
  do {
    r.sp('capability');
    capabilities.push(r.keyword('capability'));
  } while (r.more());
  return { name: 'ENABLE', tag, capabilities: [...new Set(capabilities)] };
};
