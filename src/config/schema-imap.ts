// Owns: the `imap` section of the configuration's schema (listeners, time-outs, line and literal
// limits, the limits before login, connection caps); schema.ts puts it in place.
import { z } from 'zod';
import { port } from './schema-parts.ts';

export const imapSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    port: port.default(2143),
    tlsPort: port.default(2993),
    idleTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60 * 1000),
    preAuthTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60 * 1000),
    maxLineLength: z
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    maxLiteralSize: z
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024),
    // Before login a literal may hold a user name or password, nothing more (issue 9).
    preAuthLiteralMax: z.number().int().positive().default(8192),
    preAuthMaxMs: z.number().int().positive().default(120_000), // to log in at all, however busy the client keeps the connection
    maxConnections: z.number().int().positive().default(5000), // in total …
    maxConnectionsPerIp: z.number().int().positive().default(100), // … and from one address (a NAT office counts once)
    maxBadCommands: z.number().int().positive().default(10), // BAD answers on one connection, then BYE
  })
  .prefault({});
