// Owns: the small value types the configuration's schema files share (a TCP port, a domain name).
import { z } from 'zod';

export const port = z.number().int().min(0).max(65535);

export const domain = z
  .string()
  .min(1)
  .regex(/^[a-z0-9.-]+$/i, 'tên miền không hợp lệ / invalid domain name');
