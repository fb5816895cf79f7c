// The warnings of PUTSCRIPT and CHECKSCRIPT: none within the redirect limit; past it, the first
// redirect beyond the limit is named by its line, nested blocks counted too.
import { describe, expect, it } from 'vitest';
import { compile } from '../core/sieve/validate.ts';
import { scriptWarnings } from './warnings.ts';

describe('ManageSieve script warnings', () => {
  it('names the first redirect past the limit, in nested blocks too', () => {
    const src = ['redirect "a@kontum.gov.vn";', 'if header :contains "subject" "Khẩn" {', '  redirect "b@kontum.gov.vn";', '  redirect "c@kontum.gov.vn";', '}', 'keep;'].join('\n');
    expect(scriptWarnings(compile(src), 3)).toEqual([]);
    expect(scriptWarnings(compile(src), 2)).toEqual([expect.stringMatching(/^line 4: .* \/ the server's redirect limit is 2, this redirect might be ignored$/)]);
    expect(scriptWarnings(compile(src), 0)[0]).toMatch(/^line 1: /);
    expect(scriptWarnings(compile('keep;'), 0)).toEqual([]);
  });
});
