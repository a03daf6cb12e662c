import type { Localized, PlaybookVar } from '../../core/playbooks.ts'

/** Paragraphs of markdown; empty optional sections leave blank lines that filling removes. */
export const paragraphs = (...parts: string[]): string => parts.join('\n\n')

/** Vars most playbooks share, so the same name means the same thing everywhere. */
export const vars = {
  component: {
    name: 'component',
    description:
      'The affected service, named the way customers know it; a singular name reads best',
    required: true,
    example: 'Checkout',
  },
  region: {
    name: 'region',
    description: 'Where it happens, to follow "in", when it is not everywhere',
    required: false,
    example: 'EU (Frankfurt)',
  },
  workaround: {
    name: 'workaround',
    description:
      'A concrete way to get things done meanwhile, written to follow "you can"; leave out if there is none',
    required: false,
    example: 'place urgent orders by phone on 020 7946 0000',
  },
  eta: {
    name: 'eta',
    description: 'When you expect the fix; only when you are confident of it',
    required: false,
    example: 'about 15:30 UTC',
  },
  nextUpdate: {
    name: 'next_update',
    description:
      'When the next update will be posted; without it the wording promises one within the hour',
    required: false,
    example: '14:45 UTC',
  },
  duration: {
    name: 'duration',
    description: 'How long customers were affected, for the apology',
    required: false,
    example: '47 minutes',
  },
  cause: {
    name: 'cause',
    description:
      'The confirmed cause in plain words, following a colon; leave out rather than guess',
    required: false,
    example: 'a storage volume filled up, so the database stopped accepting new data',
  },
} as const satisfies Record<string, PlaybookVar>

export const nextUpdate: Localized = {
  en: '{{#next_update}}Our next update will be by {{next_update}}.{{/next_update}}{{^next_update}}We will post another update within the hour, or sooner if anything changes.{{/next_update}}',
  'zh-CN':
    '{{#next_update}}我们将于{{next_update}}前发布下一次更新。{{/next_update}}{{^next_update}}我们会在一小时内发布下一次更新，如有进展会更早告知。{{/next_update}}',
}

export const inRegion: Localized = {
  en: '{{#region}} in {{region}}{{/region}}',
  'zh-CN': '{{#region}}（{{region}}）{{/region}}',
}
