import type { ChannelName } from '../../../../core/channels.ts'
import { hostOf } from '../../../config.ts'
import type { Deps } from '../../../deps.ts'
import { createLinkSigner } from '../links.node.ts'
import type { Channel, RenderKit } from './channel.ts'
import { createEmailChannel } from './email.ts'
import type { MailTransport } from './email-transport.node.ts'
import type { HttpPoster } from './http-post.ts'
import { createOutboundPoster } from '../../../http/outbound.node.ts'
import { createSmsChannel } from './sms.ts'
import { createWebhookChannel } from './webhook.ts'
import { createSlackChannel } from './slack.ts'
import { createTeamsChannel } from './teams.ts'
import { createDiscordChannel } from './discord.ts'

export interface ChannelOptions {
  transport: MailTransport
  /**
   * Makes the HTTP calls of every URL channel; by default the one outbound poster that refuses
   * private addresses at connect time (api/http/outbound.node.ts). Tests inject failures here.
   */
  post?: HttpPoster
}

export type Channels = Partial<Record<ChannelName, Channel>>

/** Every channel the notifier can send through, keyed by the deliveries' `channel`. */
export function createChannels(deps: Deps, opts: ChannelOptions): Channels {
  const kit: RenderKit = {
    deps,
    linksFor: createLinkSigner(deps),
    host: hostOf(deps.config.siteUrl),
  }
  const post =
    opts.post ?? createOutboundPoster({ allowPrivate: deps.config.outbound.allowPrivate })
  return {
    email: createEmailChannel(kit, opts.transport),
    webhook: createWebhookChannel(kit, post),
    slack: createSlackChannel(kit, post),
    teams: createTeamsChannel(kit, post),
    discord: createDiscordChannel(kit, post),
    ...(deps.config.sms ? { sms: createSmsChannel(kit, post, deps.config.sms) } : {}),
  }
}
