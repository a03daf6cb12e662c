import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.ts'
import type { Deps } from '../../api/deps.ts'
import { smtpTransport } from '../../api/jobs/notifier/channels/email-transport.node.ts'
import { createNotifier } from '../../api/jobs/notifier/notifier.node.ts'
import { createPublisher, readPublishedState } from '../../api/jobs/publisher.node.ts'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { loadSiteRenderer } from '../../api/jobs/site-renderer.node.ts'
import { latestOutboxId } from '../../db/journal.ts'
import { openDatabase } from '../../db/open.node.ts'
import { getSetting, RESTORED_AT } from '../../db/settings.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { ADMIN_TOKEN } from '../fixtures/test-app.ts'
import { addSubscriber, createMailWorld, FAST, rawHeader, waitUntil } from './world.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const DAY = 24 * 3_600_000

async function restoredCopy(deps: Deps, name: string): Promise<Deps> {
  const file = join(tempDir('backup'), name)
  await deps.db.execute({ sql: 'VACUUM INTO ?', args: [file] })
  return { ...deps, db: await openDatabase(`file:${file}`) }
}

describe('positions after restoring an older backup (decision 005)', () => {
  it('mails what happens after the restore under new Message-IDs, and resends nothing already sent', async () => {
    const w = await createMailWorld()
    const { t } = w
    const sub = await addSubscriber(t.deps.db)
    const inc = (await makeIncident(t, { name: 'Kept in the backup' })) as { id: string }
    const outDir = tempDir('public')
    const renderer = await loadSiteRenderer()
    await createPublisher({ deps: t.deps, renderer, outDir }).catchUp()
    await w.settle()

    const backup = await restoredCopy(w.deps, 'backup.db') // taken now, opened later
    const update = (body: string) => ({ status: 'identified', body })
    expect(
      (await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, update('Lost by the restore')))
        .status,
    ).toBe(201)
    await createPublisher({ deps: t.deps, renderer, outDir }).catchUp()
    await w.settle()
    const seen = readPublishedState(outDir)!.event_id
    const idsBefore = w.sink.to(sub.email).map((m) => rawHeader(m.raw, 'Message-ID'))
    expect(idsBefore).toHaveLength(2)
    await w.notifier.stop()

    // The restored database, with a publisher (it notices first), a notifier and the API on it.
    const restored = backup
    await createPublisher({ deps: restored, renderer, outDir }).catchUp()
    expect(await getSetting(restored.db, RESTORED_AT)).not.toBeNull()
    const res = await createApp(restored).request(`/api/v1/incidents/${inc.id}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(update('Written after the restore')),
    })
    expect(res.status).toBe(201)
    expect(await latestOutboxId(restored.db)).toBeGreaterThan(seen)
    const notifier = createNotifier(restored, {
      transport: smtpTransport({ ...restored.config.mail, smtpUrl: w.sink.url }),
      timing: FAST,
      owner: 'after-restore',
    })
    notifier.start()
    try {
      await waitUntil(() =>
        w.sink.to(sub.email).some((m) => m.raw.toString().includes('Written after the restore')),
      )
    } finally {
      await notifier.stop()
      restored.db.close()
    }
    const mails = w.sink.to(sub.email)
    const after = mails.find((m) => m.raw.toString().includes('Written after the restore'))!
    // A reused event id would have given it the Message-ID of "Lost by the restore": dropped
    // by every receiver that deduplicates.
    expect(idsBefore).not.toContain(rawHeader(after.raw, 'Message-ID'))
    expect(mails).toHaveLength(3)
    expect(new Set(mails.map((m) => rawHeader(m.raw, 'Message-ID'))).size).toBe(3)
  })

  it('the scheduler does not emit again the notices that fell due before the restore', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const affecting = { components: { [pay.id]: 'major_outage' } }
    const early = (await makeIncident(t, { name: 'Resolved before', ...affecting })) as {
      id: string
    }
    await t.api('POST', `/api/v1/incidents/${early.id}/resolve`, { body: 'Fixed.' })
    t.clock.advance(DAY)
    const late = (await makeIncident(t, { name: 'Resolved later', ...affecting })) as {
      id: string
    }
    await t.api('POST', `/api/v1/incidents/${late.id}/resolve`, { body: 'Fixed.' })
    const outDir = tempDir('public')
    const renderer = await loadSiteRenderer()
    const backup = await restoredCopy(t.deps, 'backup.db')
    // The live installation emits the first follow-up (due 3 days after resolution)...
    t.clock.advance(2 * DAY + 60_000)
    await createScheduler(t.deps).tick()
    await createPublisher({ deps: t.deps, renderer, outDir }).catchUp()
    const followUps = async (deps: Deps) =>
      (
        await deps.db.execute(
          "SELECT aggregate_id FROM outbox WHERE type = 'incident.follow_up' ORDER BY id",
        )
      ).rows.map((r) => r.aggregate_id)
    expect(await followUps(t.deps)).toEqual([early.id])

    // ...then the backup (which does not know) is restored.
    await createPublisher({ deps: backup, renderer, outDir }).catchUp()
    await createScheduler(backup).tick()
    expect(await followUps(backup)).toEqual([])
    // A notice that falls due after the restore goes out as usual.
    t.clock.advance(DAY)
    await createScheduler(backup).tick()
    expect(await followUps(backup)).toEqual([late.id])
    backup.db.close()
  })
})
