// Migration 0003_directory (issue 4): units, people, lists, delegations, roles and the
// directory's history.
// Owns: the 0003_directory schema change only (the entry is in migrations.ts).
import type { Kysely, Migration } from 'kysely';
import { withId, type Dialect } from './dialect.ts';

export function directoryMigration(dialect: Dialect): Migration {
  return {
    // The province's directory (issue 4): organisation tree, people, lists, delegations of
    // shared mailboxes, roles with a unit scope, API tokens, history; a hash chain on the audit log.
    async up(db: Kysely<any> /* eslint-disable-line @typescript-eslint/no-explicit-any -- migrations see every schema version */) {
      await withId(db.schema.createTable('units'), dialect)
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('abbreviation', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'bigint', (c) => c.references('units.id'))
        .addColumn('head_person_id', 'bigint')
        .addColumn('mailbox_account_id', 'bigint', (c) => c.references('accounts.id'))
        .addColumn('valid_from', 'bigint')
        .addColumn('valid_to', 'bigint')
        .addColumn('successor_id', 'bigint', (c) => c.references('units.id'))
        .addColumn('search_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('units_parent').on('units').column('parent_id').execute();

      await withId(db.schema.createTable('people'), dialect)
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('middle_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('unit_id', 'bigint', (c) => c.references('units.id'))
        .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('account_id', 'bigint', (c) => c.references('accounts.id').unique())
        .addColumn('search_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('sort_key', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('left_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('people_unit').on('people').column('unit_id').execute();
      await db.schema.createIndex('people_sort').on('people').column('sort_key').execute();

      await withId(db.schema.createTable('distribution_lists'), dialect)
        .addColumn('address', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('static'))
        .addColumn('unit_id', 'bigint', (c) => c.references('units.id'))
        .addColumn('senders', 'text', (c) => c.notNull().defaultTo('local'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('list_members')
        .addColumn('list_id', 'bigint', (c) => c.notNull().references('distribution_lists.id').onDelete('cascade'))
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
        .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'address', 'role'])
        .execute();

      await withId(db.schema.createTable('directory_history'), dialect)
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'bigint', (c) => c.notNull())
        .addColumn('valid_from', 'bigint', (c) => c.notNull())
        .addColumn('valid_to', 'bigint')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('directory_history_entity').on('directory_history').columns(['entity', 'entity_id', 'valid_from']).execute();

      await withId(db.schema.createTable('mailbox_delegations'), dialect)
        .addColumn('owner_account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('grantee_account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('rights', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('mailbox_delegations_pair', ['owner_account_id', 'grantee_account_id'])
        .execute();
      await db.schema.createIndex('mailbox_delegations_grantee').on('mailbox_delegations').column('grantee_account_id').execute();

      await withId(db.schema.createTable('role_assignments'), dialect)
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'bigint', (c) => c.references('units.id'))
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('role_assignments_account').on('role_assignments').column('account_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .alterTable('audit_log')
        .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('audit_log')
        .addColumn('prev_hash', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('audit_log')
        .addColumn('hash', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    },
  };
}
