// Pieces every route file shares: the zod type provider, the `reason` field (the document
// that authorised a change), id parameters and the security note of the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.ts';

export interface RouteDeps {
  app: App;
}

export function zodRouter(server: FastifyInstance) {
  return server.withTypeProvider<ZodTypeProvider>();
}

/** Số/ký hiệu văn bản: the reference of the official document behind a change (recorded in the audit log). */
export const reason = z.string().max(300).optional().describe('Số/ký hiệu văn bản / reference of the authorising document');
export const reasonQuery = z.object({ reason }).strict();
const REASON_MISSING = 'Thiếu số/ký hiệu văn bản cho phép thay đổi (reason) / the reference of the authorising document (reason) is required';
/** The same reference, required: every change to the directory, its lists and delegations names its document. */
export const requiredReason = z.string({ error: REASON_MISSING }).trim().min(1, REASON_MISSING).max(300).describe('Số/ký hiệu văn bản (bắt buộc) / reference of the authorising document (required)');
export const requiredReasonQuery = z.object({ reason: requiredReason }).strict();
export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const codeParams = z.object({ code: z.string().min(1).max(64) });
export const bearer = [{ bearer: [] as string[] }];
