// Error codes to HTTP statuses: the exact table first, then the shape of codes that other parts
// add (…_NOT_FOUND → 404, …_EXISTS → 409, retention → 409), anything else a 400; bodies bilingual.
import { describe, it, expect } from 'vitest';
import { httpStatus, errorBody } from './errors.ts';
import { ERRORS } from '../core/errors.ts';

describe('httpStatus', () => {
  it.each([
    ['UNAUTHENTICATED', 401],
    ['LOGIN_FAILED', 401],
    ['FORBIDDEN', 403],
    ['PASSWORD_CHANGE_REQUIRED', 403],
    ['TOO_MANY_ATTEMPTS', 429],
    ['VALIDATION_FAILED', 400],
    ['NOT_FOUND', 404],
    ['ACCOUNT_NOT_FOUND', 404],
    ['UNIT_NOT_FOUND', 404],
    ['QUEUE_NOT_FOUND', 404],
    ['ACCOUNT_EXISTS', 409],
    ['RETENTION_NOT_PASSED', 409],
    ['PURGE_NOT_LEFT', 409],
    ['PASSWORD_WEAK', 400],
    ['MESSAGE_TOO_BIG', 413],
  ])('%s → %i', (code, status) => {
    expect(httpStatus(code)).toBe(status);
  });

  it('gives every catalogued code a 4xx status', () => {
    for (const code of Object.keys(ERRORS)) {
      expect(httpStatus(code), code).toBeGreaterThanOrEqual(400);
      expect(httpStatus(code), code).toBeLessThan(500);
    }
  });
});

describe('errorBody', () => {
  it('is Vietnamese first with English beside, the detail on both', () => {
    expect(errorBody('FORBIDDEN', 'person.write')).toEqual({
      code: 'FORBIDDEN',
      message: 'Không có quyền thực hiện thao tác này: person.write',
      messageEn: 'Not allowed to do this: person.write',
    });
  });
});
