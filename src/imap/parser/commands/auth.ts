// Owns: the authentication commands — LOGIN userid password (astrings) and
// AUTHENTICATE mechanism [initial-response] (RFC 3501 6.2.2, SASL-IR RFC 4959).

import { ParseError } from '../errors.ts';
import { decodeBase64Strict } from '../continuation.ts';
import type { AuthenticateCommand, LoginCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

export const parseLogin: CommandParser = (r, { tag }): LoginCommand => {
  r.sp('user name');
  const username = r.astringText('user name');
  r.sp('password');
  const password = r.astringText('password');
  return { name: 'LOGIN', tag, username, password };
};

export const parseAuthenticate: CommandParser = (r, { tag }): AuthenticateCommand => {
  r.sp('authentication mechanism');
  const mechanism = r.keyword('authentication mechanism');
  let initialResponse: Buffer | null = null;
  if (r.more()) {
    r.sp('initial response');
    const text = r.readWhile((c) => c > 0x20 && c < 0x7f);
    if (text === '=') {
      initialResponse = Buffer.alloc(0);
    } else {
      const decoded = decodeBase64Strict(text);
      if (decoded === null || decoded.length === 0) throw new ParseError('Invalid base64 in initial response');
      initialResponse = decoded;
    }
  }
  return { name: 'AUTHENTICATE', tag, mechanism, initialResponse };
};
