import { describe, expect, it } from 'vitest';
import { DomainMap } from './domains.ts';
import { ConfigError } from '../config/config.ts';

describe('DomainMap', () => {
  const m = new DomainMap('kontum.gov.vn', ['quangngai.gov.vn'], { 'old.kontum.gov.vn': 'kontum.gov.vn', 'Cu.Test': 'old.kontum.gov.vn' });

  it('knows local and alias domains, in any case and with a root dot', () => {
    expect(m.isLocal('KonTum.gov.vn.')).toBe(true);
    expect(m.isLocal('quangngai.gov.vn')).toBe(true);
    expect(m.isLocal('old.kontum.gov.vn')).toBe(true);
    expect(m.isLocal('gialai.gov.vn')).toBe(false);
    expect(m.isAlias('old.kontum.gov.vn')).toBe(true);
    expect(m.isPrimaryOrLocal('old.kontum.gov.vn')).toBe(false);
  });

  it('maps an alias-domain address to the target domain, an alias of an alias to the final one', () => {
    expect(m.canonical('an.nguyen@OLD.kontum.gov.vn')).toBe('an.nguyen@kontum.gov.vn');
    expect(m.canonical('an@cu.test')).toBe('an@kontum.gov.vn');
    expect(m.canonical('an@quangngai.gov.vn')).toBe('an@quangngai.gov.vn');
    expect(m.canonical('an@gialai.gov.vn')).toBe('an@gialai.gov.vn');
    expect(m.all()).toEqual(['kontum.gov.vn', 'quangngai.gov.vn', 'old.kontum.gov.vn', 'cu.test']);
  });

  it('refuses an alias whose target is not local, and a domain that is both', () => {
    expect(() => new DomainMap('kontum.gov.vn', [], { 'x.test': 'gialai.gov.vn' })).toThrow(ConfigError);
    expect(() => new DomainMap('kontum.gov.vn', ['x.test'], { 'x.test': 'kontum.gov.vn' })).toThrow(ConfigError);
  });
});
