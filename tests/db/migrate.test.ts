import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../db/migrate.node.ts'
import { openDatabase } from '../../db/open.node.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

async function emptyDb() {
  const dir = tempDir('migrate')
  return openDatabase(`file:${join(dir, 'db.sqlite')}`)
}

describe('migrations', () => {
  it('apply from empty, in order, once; re-running is a no-op', async () => {
    const db = await emptyDb()
    const names = loadMigrations().map((m) => m.name)
    expect(names[0]).toBe('0001_create_core_tables.sql')
    expect(await migrate(db)).toEqual(names)
    expect(await migrate(db)).toEqual([])
    const tables = (
      await db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ).rows.map((r) => r.name)
    expect(tables).toEqual(
      expect.arrayContaining([
        'components',
        'incidents',
        'incident_updates',
        'api_tokens',
        'outbox',
        'audit_log',
        'schema_migrations',
      ]),
    )
    const mode = await db.execute('PRAGMA journal_mode')
    expect(mode.rows[0]![0]).toBe('wal')
    db.close()
  })

  it('a failing migration leaves no trace and names itself', async () => {
    const db = await emptyDb()
    const dir = tempDir('migrations')
    writeFileSync(join(dir, '0001_create_things.sql'), 'CREATE TABLE things (id INTEGER);')
    writeFileSync(
      join(dir, '0002_break_things.sql'),
      'CREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);',
    )
    await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/0002_break_things\.sql/)
    const tables = (
      await db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ).rows.map((r) => r.name)
    expect(tables).toContain('things')
    expect(tables).not.toContain('half')
    expect(
      (await db.execute('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    ).toEqual(['0001'])
    db.close()
  })

  it('0010 keeps every subscriber, choice and delivery of a 0009 database, with foreign keys enforced after', async () => {
    const db = await emptyDb()
    const all = loadMigrations()
    expect(
      await migrate(
        db,
        all.filter((m) => m.version <= '0009'),
      ),
    ).toHaveLength(9)
    const at = '2026-03-01T10:00:00.000Z'
    await db.batch(
      [
        `INSERT INTO components (id, name, position, status, created_at, updated_at)
           VALUES ('comp00000001', 'Payments', 1, 'operational', '${at}', '${at}'),
                  ('comp00000002', 'Dashboard', 2, 'operational', '${at}', '${at}')`,
        `INSERT INTO subscribers (id, email, email_normalized, locale, all_components, status,
           created_at, confirmed_at, unsubscribed_at, quarantined_at, confirmation_sent_at,
           permanent_failures, token_version, version) VALUES
           ('subs00000001', 'Ada@Example.com', 'ada@example.com', 'en', 1, 'confirmed', '${at}', '${at}', NULL, NULL, '${at}', 0, 1, 3),
           ('subs00000002', 'bob@example.org', 'bob@example.org', 'zh-CN', 0, 'pending', '${at}', NULL, NULL, NULL, '${at}', 0, 1, 0),
           ('subs00000003', 'gone@example.net', 'gone@example.net', 'en', 1, 'unsubscribed', '${at}', '${at}', '${at}', NULL, '${at}', 0, 2, 1),
           ('subs00000004', 'dead@example.net', 'dead@example.net', 'en', 0, 'quarantined', '${at}', '${at}', NULL, '${at}', '${at}', 3, 1, 2)`,
        `INSERT INTO subscriber_components (subscriber_id, component_id) VALUES
           ('subs00000002', 'comp00000001'), ('subs00000004', 'comp00000001'),
           ('subs00000004', 'comp00000002')`,
        `INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at) VALUES
           ('incident.created', 'incident', 'inc000000001', '{}', '${at}'),
           ('feedback.received', 'feedback', 'fdb000000001', '{}', '${at}')`,
        `INSERT INTO deliveries (event_id, subscriber_id, channel, address, status, attempts,
           next_attempt_at, lease_owner, lease_until, last_error, sent_at, created_at, quota_key) VALUES
           (1, 'subs00000001', 'email', NULL, 'sent', 1, '${at}', NULL, NULL, NULL, '${at}', '${at}', NULL),
           (1, 'subs00000004', 'email', NULL, 'failed', 3, '${at}', NULL, NULL, '550 no such user', NULL, '${at}', NULL),
           (1, NULL, 'webhook', 'https://oncall.example.com/hook', 'pending', 0, '${at}', 'node-1', '${at}', NULL, NULL, '${at}', NULL),
           (2, NULL, 'email', 'reporter@example.com', 'sent', 1, '${at}', NULL, NULL, NULL, '${at}', '${at}', 'reporter@example.com')`,
        `INSERT INTO consumer_positions (consumer, event_id) VALUES ('mailer', 2)`,
      ],
      'write',
    )
    const rows = async (sql: string) => (await db.execute(sql)).rows.map((r) => ({ ...r }))
    const subscribers = `SELECT id, email, email_normalized, locale, all_components, status, created_at,
      confirmed_at, unsubscribed_at, quarantined_at, confirmation_sent_at, permanent_failures,
      token_version, version FROM subscribers ORDER BY id`
    const deliveries = `SELECT id, event_id, subscriber_id, channel, address, recipient, status, attempts,
      next_attempt_at, lease_owner, lease_until, last_error, sent_at, created_at, quota_key
      FROM deliveries ORDER BY id`
    const choices = 'SELECT * FROM subscriber_components ORDER BY subscriber_id, component_id'
    const before = {
      subscribers: await rows(subscribers),
      deliveries: await rows(deliveries),
      choices: await rows(choices),
    }

    expect(await migrate(db, all)).toEqual(all.filter((m) => m.version > '0009').map((m) => m.name))
    expect(await rows(subscribers)).toEqual(before.subscribers)
    expect(await rows(deliveries)).toEqual(before.deliveries)
    expect(await rows(choices)).toEqual(before.choices)
    // Every old subscriber is an email subscriber, reached by email.
    expect(
      await rows(
        'SELECT DISTINCT channel, target, target_key, secret, confirm_via, confirm_attempts FROM subscribers',
      ),
    ).toEqual([
      {
        channel: 'email',
        target: null,
        target_key: null,
        secret: null,
        confirm_via: null,
        confirm_attempts: 0,
      },
    ])
    expect(await rows('SELECT consumer, event_id FROM consumer_positions')).toEqual([
      { consumer: 'notifier', event_id: 2 },
    ])
    // Foreign keys are on again and hold: nothing dangles, and a dangling row is refused.
    expect(Number(Object.values((await db.execute('PRAGMA foreign_keys')).rows[0]!)[0])).toBe(1)
    expect((await db.execute('PRAGMA foreign_key_check')).rows).toEqual([])
    expect((await db.execute('PRAGMA integrity_check')).rows.map((r) => r[0])).toEqual(['ok'])
    await expect(
      db.execute(
        `INSERT INTO deliveries (event_id, subscriber_id, status, next_attempt_at, created_at)
           VALUES (2, 'nobody000000', 'pending', '${at}', '${at}')`,
      ),
    ).rejects.toThrow(/FOREIGN KEY/)
    await expect(
      db.execute(
        "INSERT INTO subscriber_components (subscriber_id, component_id) VALUES ('nobody000000', 'comp00000001')",
      ),
    ).rejects.toThrow(/FOREIGN KEY/)
    // The references follow the rebuilt table: deleting a subscriber with choices is refused.
    await expect(db.execute("DELETE FROM subscribers WHERE id = 'subs00000004'")).rejects.toThrow(
      /FOREIGN KEY/,
    )
    // The new rules hold: one subscription per endpoint, an address for every channel.
    const add = (id: string, channel: string, target: string | null, email: string | null) =>
      db.execute({
        sql: `INSERT INTO subscribers (id, channel, email, email_normalized, target, target_key, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
        args: [
          id,
          channel,
          email,
          channel === 'email' ? email : null,
          target,
          target ? `${channel}:${target}` : null,
          at,
        ],
      })
    await add('subs00000005', 'slack', 'https://hooks.slack.com/services/x', null)
    await expect(
      add('subs00000006', 'slack', 'https://hooks.slack.com/services/x', null),
    ).rejects.toThrow(/UNIQUE/)
    await expect(add('subs00000007', 'sms', null, null)).rejects.toThrow(/CHECK/)
    await expect(
      add('subs00000008', 'email', 'https://x.example', 'x@example.com'),
    ).rejects.toThrow(/CHECK/)
    await expect(add('subs00000009', 'fax', '+441', null)).rejects.toThrow(/CHECK/)
    db.close()
  })

  it('refuses a migration file without a number and verb_noun name', () => {
    const dir = tempDir('migrations')
    writeFileSync(join(dir, 'add stuff.sql'), 'SELECT 1;')
    expect(() => loadMigrations(dir)).toThrow(/NNNN_verb_noun/)
  })
})
