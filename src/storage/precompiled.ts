// Owns: queries built once and run many times (`precompiled`). kysely builds every query anew —
// an operation-node tree, frozen objects, a visitor pass to SQL text — some 30–60 µs of CPU before
// the statement runs; the IMAP hot paths (FETCH 1:*, STORE, EXPUNGE, the change-log reads after
// every change) run the same few queries thousands of times a minute. A precompiled query is built
// by kysely once per backend (and per length of its list arguments) with marker values, then run as
// that SQL text with the caller's values put where the markers were; SQLite's statement cache
// (storage/sqlite-statements.ts) keeps its prepared statement.
//
// The builder must only place its arguments as values (`where(col, '=', arg)`, `in` lists, `set`,
// `eb.val`, sql`${arg}`): it must not look at them (no `if`, no arithmetic, no `?? default`), nor put
// them in the SQL text (`sql.lit`, `eb.lit`, `sql.raw`, `sql.ref`, column names). Compiling refuses
// a builder whose SQL text holds a marker, whose parameters hold one it changed, or that left an
// argument (or an element of a list) out. Constants of the builder stay as compiled. The values are
// given to the driver as they come, as kysely gives them: the database has no plugins (a plugin
// changing values at compile time would not see them), and neither SQLite binds booleans nor does
// the schema hold any, so they are not among the values. A Transaction compiles to the same text as
// its database, so one template serves both; the query runs on the one it is given.
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import { isPostgres, type Reader } from './tx.ts';

type Value = string | number | bigint | null | Buffer;
type Arg = Value | readonly Value[];

const MARK = '\u0000precompiled:';

/** Where a compiled parameter comes from: an argument, an element of a list argument, or a constant of the builder. */
type Source = { arg: number; at?: number } | { constant: unknown };

interface Template {
  sql: string;
  sources: Source[];
}

function compile<A extends readonly Arg[]>(r: Reader, build: (db: Reader, ...args: A) => Compilable<unknown>, args: A): Template {
  const markers = new Map<string, { arg: number; at?: number }>();
  const marked = args.map((a, i) => {
    if (!Array.isArray(a)) {
      const m = `${MARK}${i}\u0000`;
      markers.set(m, { arg: i });
      return m;
    }
    return (a as readonly Value[]).map((_, j) => {
      const m = `${MARK}${i}.${j}\u0000`;
      markers.set(m, { arg: i, at: j });
      return m;
    });
  }) as unknown as A;
  const q = build(r, ...marked).compile();
  if (q.sql.includes(MARK)) throw new Error(`precompiled: an argument is in the SQL text, not a parameter: ${q.sql}`);
  const placed = new Set<string>();
  const sources = q.parameters.map((p): Source => {
    if (typeof p !== 'string' || !p.includes(MARK)) return { constant: p };
    const s = markers.get(p);
    if (!s) throw new Error(`precompiled: the builder changed an argument (${JSON.stringify(p)}): it may only place it`);
    placed.add(p);
    return s;
  });
  for (const m of markers.keys()) if (!placed.has(m)) throw new Error(`precompiled: argument ${JSON.stringify(m.slice(MARK.length, -1))} is not placed in ${q.sql}`);
  return { sql: q.sql, sources };
}

/**
 * `build` as a query compiled once per backend and shape: the returned function runs it on `r` (the
 * database or a transaction) with these arguments. List arguments (`in` lists) get one template per
 * length; an empty list is as kysely makes it (`in ()`, which neither backend accepts).
 */
export function precompiled<A extends readonly Arg[], R>(build: (db: Reader, ...args: A) => Compilable<R>): (r: Reader, ...args: A) => Promise<QueryResult<R>> {
  const templates = new Map<string, Template>();
  return (r, ...args) => {
    let key = isPostgres(r) ? 'p' : 's';
    for (const a of args) if (Array.isArray(a)) key += `,${a.length}`;
    let t = templates.get(key);
    if (!t) {
      try {
        t = compile(r, build, args);
      } catch (e) {
        return Promise.reject(e as Error);
      }
      templates.set(key, t);
    }
    const params = new Array<unknown>(t.sources.length);
    for (let i = 0; i < params.length; i++) {
      const s = t.sources[i];
      params[i] = 'constant' in s ? s.constant : s.at === undefined ? args[s.arg] : (args[s.arg] as readonly Value[])[s.at];
    }
    return r.executeQuery(CompiledQuery.raw(t.sql, params) as CompiledQuery<R>);
  };
}
