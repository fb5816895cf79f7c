// Owns: the tests of storage/precompiled.ts on SQLite and PostgreSQL. A precompiled query answers as
// the same query built by kysely each time: each argument, list element and constant of the builder
// in its own place (distinct values, so a swap shows), list arguments of several lengths in turn
// (one template per length), values of every kind the repositories pass; it runs on the reader it
// is given (a transaction's rows are seen in it, and gone after its rollback); a builder that does
// more than place its arguments is refused at its first run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createPgDatabase } from '../../test/helpers/harness.ts';
import { openDatabase, type Db } from './database.ts';
import { precompiled } from './precompiled.ts';
import type { Reader } from './tx.ts';

describe.each(backends())('precompiled queries (%s)', (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (backend === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-precompiled-'));
      db = await openDatabase({ driver: 'sqlite', file: path.join(dir, 'thutin.db') });
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const pg = await createPgDatabase();
      db = await openDatabase({ driver: 'postgres', url: pg.url });
      cleanup = pg.drop;
    }
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  // Arguments out of order, used twice, beside a constant and inside an `in` list: every placement kysely has.
  const build = (r: Reader, a: string, xs: readonly string[], n: number, ys: readonly number[]) =>
    r
      .selectNoFrom((eb) => [
        eb.cast<number>(eb.val(n), 'integer').as('n'),
        eb.cast<string>(eb.val('hằng'), 'text').as('k'),
        eb.cast<string>(eb.val(a), 'text').as('a'),
        sql<string>`cast(${a} as text) || '/' || cast(cast(${n} as integer) as text)`.as('an'),
      ])
      .where((eb) => eb.and([eb(eb.cast(eb.val(a), 'text'), 'in', xs), eb(eb.cast(eb.val(n), 'integer'), 'not in', ys)]));
  const q = precompiled(build);

  it('answers as kysely does, each value in its place, for lists of each length in turn', async () => {
    const cases: Array<[string, string[], number, number[]]> = [
      ['ba', ['ba'], 3, [4]],
      ['ba', ['mot', 'hai', 'ba'], 3, [1, 2]],
      ['bốn', ['mot', 'hai', 'ba'], 4, [1, 2]], // a not in xs: no row
      ['hai', ['mot', 'hai'], 2, [1, 2, 5]], // n in ys: no row
      ['mot', ['mot', 'hai'], 7, [1, 2, 5]],
      ['hai', ['hai'], 9, [1]],
      ['ba', ['mot', 'hai', 'ba'], 8, [8, 9]], // n in ys at its last place
      ['ba', ['ba', 'hai', 'mot'], 8, [7, 9]],
    ];
    let rows = 0;
    for (const [a, xs, n, ys] of cases) {
      const expected = await build(db.kysely, a, xs, n, ys).execute();
      const got = (await q(db.kysely, a, xs, n, ys)).rows;
      expect(got).toEqual(expected);
      if (xs.includes(a) && !ys.includes(n)) {
        expect(got).toEqual([{ n, k: 'hằng', a, an: `${a}/${n}` }]);
        rows++;
      } else expect(got).toEqual([]);
    }
    expect(rows).toBe(5);
  });

  it('passes nulls, big integers, buffers and strings with markers of SQL as they are', async () => {
    const echo = precompiled((r, s: string | null, b: bigint, buf: Buffer) =>
      r.selectNoFrom((eb) => [
        eb.cast<string | null>(eb.val(s), 'text').as('s'),
        eb.cast<number>(eb.val(b), 'bigint').as('b'),
        eb.cast<Buffer>(eb.val(buf), backend === 'sqlite' ? 'blob' : 'bytea').as('buf'),
      ]),
    );
    const buf = Buffer.from([0, 1, 2, 255]);
    expect((await echo(db.kysely, null, 9007199254740991n, buf)).rows).toEqual([{ s: null, b: 9007199254740991, buf }]);
    expect((await echo(db.kysely, "'; select $1 ? --", 0n, Buffer.alloc(0))).rows).toEqual([{ s: "'; select $1 ? --", b: 0, buf: Buffer.alloc(0) }]);
  });

  it('runs on the transaction it is given: its own rows are seen there, and gone after a rollback', async () => {
    const byTargets = precompiled((r, action: string, targets: readonly string[]) =>
      r.selectFrom('audit_log').select(['target', 'at']).where('action', '=', action).where('target', 'in', targets).orderBy('at'),
    );
    const insert = precompiled((r, at: number, target: string) => r.insertInto('audit_log').values({ at, actor: 'test', action: 'precompiled', target, details: '{}' }));
    await insert(db.kysely, 1, 'một');
    await expect(
      db.kysely.transaction().execute(async (tx) => {
        await insert(tx, 2, 'hai');
        expect((await byTargets(tx, 'precompiled', ['một', 'hai'])).rows).toEqual([
          { target: 'một', at: 1 },
          { target: 'hai', at: 2 },
        ]);
        // PostgreSQL: the database is another connection, which does not see the open transaction.
        if (backend === 'postgres') expect((await byTargets(db.kysely, 'precompiled', ['một', 'hai'])).rows).toEqual([{ target: 'một', at: 1 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await byTargets(db.kysely, 'precompiled', ['hai', 'một'])).rows).toEqual([{ target: 'một', at: 1 }]);
    expect((await byTargets(db.kysely, 'precompiled', ['hai'])).rows).toEqual([]);
  });

  it('refuses a builder that does more than place its arguments', async () => {
    const inlined = precompiled((r, a: string) => r.selectNoFrom(() => [sql.lit(a).as('a')]));
    await expect(inlined(db.kysely, 'x')).rejects.toThrow(/in the SQL text/);
    const ordered = precompiled((r, col: string) => r.selectFrom('audit_log').select('id').orderBy(sql.ref(col)));
    await expect(ordered(db.kysely, 'at')).rejects.toThrow(/in the SQL text/);
    const changed = precompiled((r, prefix: string) => r.selectFrom('audit_log').select('id').where('target', 'like', `${prefix}%`));
    await expect(changed(db.kysely, 'mo')).rejects.toThrow(/changed an argument/);
    const unused = precompiled((r, a: string, _b: number) => r.selectFrom('audit_log').select('id').where('target', '=', a));
    await expect(unused(db.kysely, 'a', 1)).rejects.toThrow(/argument "1" is not placed/);
    const looked = precompiled((r, ids: readonly number[]) => r.selectFrom('audit_log').select('id').where('id', 'in', ids.slice(0, 1)));
    await expect(looked(db.kysely, [1, 2])).rejects.toThrow(/argument "0.1" is not placed/);
  });
});
