// Owns: the `imap` section of the configuration's schema (listeners, time-outs, line and literal
// limits, the limits before login, connection caps); schema.ts puts it in place.
import { z } from 'zod';
import { port, positiveInt } from './schema-parts.ts';

export const imapSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    port: port.default(2143),
    tlsPort: port.default(2993),
    idleTimeoutMs: positiveInt(30 * 60 * 1000),
    preAuthTimeoutMs: positiveInt(60 * 1000),
    maxLineLength: positiveInt(64 * 1024),
    maxLiteralSize: positiveInt(50 * 1024 * 1024),
    // Before login a literal may hold a user name or password, nothing more (issue 9).
    preAuthLiteralMax: positiveInt(8192),
    preAuthMaxMs: positiveInt(120_000), // to log in at all, however busy the client keeps the connection
    maxConnections: positiveInt(5000), // in total …
    maxConnectionsPerIp: positiveInt(100), // … and from one address (a NAT office counts once)
    maxBadCommands: positiveInt(10), // BAD answers on one connection, then BYE
  })
  .prefault({});
