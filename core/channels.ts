import { z } from 'zod'

/**
 * How a subscriber is reached. One list, used by the schema checks, the API, the subscribe page,
 * the notifier's channel modules (api/jobs/notifier/channels/) and the console.
 */
export const ChannelName = z.enum(['email', 'webhook', 'slack', 'teams', 'discord', 'sms'])
export type ChannelName = z.infer<typeof ChannelName>

export const CHANNELS: readonly ChannelName[] = ChannelName.options

/** Channels whose address is an https URL the notifier POSTs to. */
export const URL_CHANNELS = ['webhook', 'slack', 'teams', 'discord'] as const
export type UrlChannel = (typeof URL_CHANNELS)[number]

export function isUrlChannel(c: ChannelName): c is UrlChannel {
  return (URL_CHANNELS as readonly string[]).includes(c)
}

/** Chat apps: a human reads the message in a channel of the team's chat. */
export const CHAT_CHANNELS = ['slack', 'teams', 'discord'] as const
export type ChatChannel = (typeof CHAT_CHANNELS)[number]

export function isChatChannel(c: ChannelName): c is ChatChannel {
  return (CHAT_CHANNELS as readonly string[]).includes(c)
}

/** What the subscribe page and the console call each channel. */
export const CHANNEL_LABELS: Readonly<Record<ChannelName, string>> = {
  email: 'Email',
  webhook: 'Webhook',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  discord: 'Discord',
  sms: 'Text message (SMS)',
}

/** The channel on a tab or a chip: short, so a phone fits them in two rows. */
export const CHANNEL_TABS: Readonly<Record<ChannelName, string>> = {
  email: 'Email',
  webhook: 'Webhook',
  slack: 'Slack',
  teams: 'Teams',
  discord: 'Discord',
  sms: 'SMS',
}

/**
 * A URL as stored and keyed: WHATWG serialisation (scheme and host lower-cased, default port and
 * dot segments gone, the same percent-encoding), a host's trailing dot dropped and no fragment
 * (never sent to the server), so every spelling of one endpoint is one subscription.
 */
export function endpointUrl(url: URL): string {
  const u = new URL(url.href)
  u.hash = ''
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.replace(/\.+$/, '')
  return u.href
}

/**
 * A URL as lists show it: its host and last 4 characters (a chat webhook's path is a secret).
 * Masking a masked URL (a list's `url`) changes nothing.
 */
export function maskedUrl(url: string): string {
  if (/^[^/]*\/….{0,4}$/u.test(url)) return url
  let host: string
  try {
    host = new URL(url).host
  } catch {
    host = ''
  }
  return `${host}/…${url.slice(-4)}`
}

/** The unique key of a non-email subscription: one per channel and endpoint. */
export function targetKey(channel: ChannelName, normalizedTarget: string): string {
  return `${channel}:${normalizedTarget}`
}

/**
 * How a subscription is named to people (pages, the console): the mailbox or phone number, and
 * for a URL only its host and last characters, since a chat webhook's URL is itself a secret.
 */
export function subscriptionName(s: {
  channel: ChannelName
  email: string | null
  /** As stored (`target`) or as the API shows it (`url`, `phone`). */
  target?: string | null
  url?: string | null
  phone?: string | null
}): string {
  const target = s.target ?? s.url ?? s.phone ?? ''
  if (s.channel === 'email') return s.email ?? ''
  if (s.channel === 'sms') return target
  return `${CHANNEL_LABELS[s.channel]} · ${maskedUrl(target)}`
}
