// Owns: the small value types the configuration's schema files share (a TCP port, a domain name,
// a positive whole number with its default: sizes, counts and times in ms).
import { z } from 'zod';

export const port = z.number().int().min(0).max(65535);

export const domain = z
  .string()
  .min(1)
  .regex(/^[a-z0-9.-]+$/i, 'tên miền không hợp lệ / invalid domain name');

/** A positive whole number, `def` when not given (sizes, counts, times in ms). */
export const positiveInt = (def: number) => z.number().int().positive().default(def);
