// Errors over HTTP: a ThutinError's stable code becomes an HTTP status, and every error body is
// `{ code, message, messageEn }` (Vietnamese first, English beside). Validation failures of a
// route's schema are 400 VALIDATION_FAILED with the fields at fault; anything unexpected is a
// 500 that names nothing internal (the detail goes to the log).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERRORS, isThutinError, type ErrorCode } from '../core/errors.ts';

export interface ErrorBody {
  code: string;
  message: string;
  messageEn: string;
  issues?: Array<{ field: string; message: string }>;
}

const EXACT: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  FORBIDDEN: 403,
  REQUEST_OUT_OF_SCOPE: 403,
  REQUEST_NOT_ALLOWED: 403,
  REQUEST_DOCUMENT_TOO_BIG: 413,
  HANDOVER_NOT_A_HEAD: 403,
  ADDRESS_QUARANTINED: 409,
  PASSWORD_CHANGE_REQUIRED: 403,
  CSRF_INVALID: 403,
  SECOND_FACTOR_REQUIRED: 401,
  SECOND_FACTOR_INVALID: 401,
  SECOND_FACTOR_ENROLMENT_REQUIRED: 403,
  SECOND_FACTOR_NOT_ENROLLING: 409,
  SECOND_FACTOR_OFF: 409,
  APP_PASSWORD_LIMIT: 409,
  TOO_MANY_ATTEMPTS: 429,
  PASSWORD_EXPIRED: 403,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  OVER_QUOTA: 409,
  MESSAGE_TOO_BIG: 413,
  SIEVE_ACTIVE: 409,
  SIEVE_QUOTA_MAXSCRIPTS: 409,
  SIEVE_QUOTA_MAXSIZE: 413,
};

/** The HTTP status of an error code: exact table first, then by the code's shape. */
export function httpStatus(code: string): number {
  const exact = EXACT[code as ErrorCode];
  if (exact) return exact;
  if (/(^|_)NOT_FOUND$|_UNKNOWN$/.test(code)) return 404;
  if (/_EXISTS$|_TAKEN$|_IN_USE$|RETENTION|_NOT_PASSED$|_NOT_LEFT$|_CONFLICT$|_HAS_/.test(code)) return 409;
  return 400; // a domain rule refused the request as asked
}

export function errorBody(code: ErrorCode, detail?: string): ErrorBody {
  const e = ERRORS[code];
  return { code, message: detail ? `${e.vi}: ${detail}` : e.vi, messageEn: detail ? `${e.en}: ${detail}` : e.en };
}

export function sendError(reply: FastifyReply, code: ErrorCode, detail?: string): FastifyReply {
  return reply.code(httpStatus(code)).send(errorBody(code, detail));
}

export function installErrorHandling(server: FastifyInstance): void {
  server.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    // The detail apart from the texts: a message that itself holds ': ' (PASSWORD_WEAK) stays one language.
    if (isThutinError(err)) return sendError(reply, err.code, err.detail);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const field = [err.validationContext ?? '', ...(v.instancePath ?? '').split('/')].filter(Boolean).join('.');
        return { field, message: v.message ?? '' };
      });
      const fields = issues.map((i) => i.field).join(', ');
      return reply.code(400).send({ ...errorBody('VALIDATION_FAILED', fields), issues });
    }
    const status = err.statusCode ?? 500;
    if (status === 401) return sendError(reply, 'UNAUTHENTICATED');
    if (status === 403) return sendError(reply, 'FORBIDDEN');
    if (status === 404) return sendError(reply, 'NOT_FOUND');
    if (status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON, wrong content type, body too large …
      return reply.code(status).send({ ...errorBody('VALIDATION_FAILED'), messageEn: `${ERRORS.VALIDATION_FAILED.en}: ${err.message}` });
    }
    req.log.error({ err }, 'admin api error');
    return reply.code(500).send({ code: 'INTERNAL', message: 'Lỗi hệ thống, đã ghi nhật ký', messageEn: 'Internal error, logged' });
  });
  server.setNotFoundHandler((req, reply) => sendError(reply, 'NOT_FOUND', `${req.method} ${req.url.split('?')[0]}`));
}
