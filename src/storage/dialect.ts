// The two database backends, and the one schema difference their migrations have to spell: how an
// auto-increment id is declared.
// Owns: the Dialect type and withId.
import type { CreateTableBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** An `id` primary key that numbers itself: INTEGER AUTOINCREMENT on SQLite, BIGSERIAL on PostgreSQL. */
export function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite' ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()) : t.addColumn('id', 'bigserial', (c) => c.primaryKey());
}
