import { expect } from 'vitest'
import { targetKey, type ChatChannel } from '../../core/channels.ts'
import { newId } from '../../core/ids.ts'
import type { Locale, SubscriberStatus } from '../../core/schemas/subscription.ts'
import type { Db } from '../../db/client.ts'
import { getSubscriber, insertSubscriber } from '../../db/subscribers.ts'
import type { HttpReceiver, Received } from '../fixtures/http-receiver.ts'
import type { TestApp } from '../fixtures/test-app.ts'

export const CHATS: readonly ChatChannel[] = ['slack', 'teams', 'discord']

/** The receivers' URLs are http://127.0.0.1: the notifier may post there only with this. */
export const PRIVATE_OK = { OUTBOUND_ALLOW_PRIVATE: 'true' }

/**
 * A chat subscription written straight into the table (the subscription service is built
 * separately): its webhook URL is `url`, confirmed unless `status` says otherwise.
 */
export async function addChatSubscriber(
  db: Db,
  channel: ChatChannel,
  url: string,
  o: {
    status?: SubscriberStatus
    components?: string[]
    locale?: Locale
    confirmVia?: 'email' | ChatChannel
    email?: string
  } = {},
): Promise<string> {
  const id = newId()
  const at = '2026-03-01T00:00:00.000Z'
  const status = o.status ?? 'confirmed'
  await db.batch(
    insertSubscriber({
      id,
      channel,
      email: o.email ?? null,
      email_normalized: null,
      target: url,
      target_key: targetKey(channel, url),
      secret: null,
      confirm_via: o.confirmVia ?? channel,
      confirm_code_hash: null,
      confirm_attempts: 0,
      locale: o.locale ?? 'en',
      all_components: !o.components,
      components: o.components ?? [],
      status,
      created_at: at,
      confirmed_at: status === 'pending' ? null : at,
      unsubscribed_at: null,
      quarantined_at: null,
      confirmation_sent_at: status === 'pending' ? at : null,
      permanent_failures: 0,
      token_version: 1,
      version: 0,
    }),
    'write',
  )
  return id
}

/** Asks for a confirmation request to `subscriberId`, as the subscription service does. */
export async function requestConfirmation(db: Db, subscriberId: string): Promise<void> {
  await db.execute({
    sql: `INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at)
          VALUES ('subscriber.confirmation_requested', 'subscriber', ?, ?, ?)`,
    args: [
      subscriberId,
      JSON.stringify({ subscriber_id: subscriberId }),
      '2026-03-10T12:00:00.000Z',
    ],
  })
}

/** What one path of a receiver got, parsed. */
export function posts(r: HttpReceiver, path: string): any[] {
  return r.received.filter((x: Received) => x.path === path).map((x) => x.json)
}

/** Clicks a link the way a browser submits the page's form: a POST from some address. */
export async function follow(t: TestApp, url: string, ip = '198.51.100.7') {
  const path = url.replace('https://status.example.com', '')
  expect(path.startsWith('/')).toBe(true)
  const res = await t.app.request(
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    },
    { incoming: { socket: { remoteAddress: ip } } },
  )
  return { status: res.status, html: await res.text() }
}

export async function statusOf(db: Db, id: string) {
  return (await getSubscriber(db, id))?.status
}

/** Every button or link URL a post carries, whatever the app's format. */
export function linksIn(channel: ChatChannel, body: any): string[] {
  const json = JSON.stringify(body)
  const urls = new Set<string>()
  if (channel === 'slack') {
    for (const b of body.blocks) {
      if (b.type === 'actions') for (const e of b.elements) urls.add(e.url)
    }
    for (const m of json.matchAll(/<(https:[^|>]+)\|/g)) urls.add(m[1]!)
  } else if (channel === 'teams') {
    for (const a of body.attachments[0].content.actions) urls.add(a.url)
    for (const m of json.matchAll(/\]\((https:[^)]+)\)/g)) urls.add(m[1]!)
  } else {
    const e = body.embeds[0]
    if (e.url) urls.add(e.url)
    for (const m of json.matchAll(/\]\((https:[^)]+)\)/g)) urls.add(m[1]!)
  }
  return [...urls]
}

/** All the words of a post a person reads (for "says X", "never says Y"). */
export function wordsOf(body: unknown): string {
  return JSON.stringify(body)
}
