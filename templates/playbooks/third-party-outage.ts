import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { nextUpdate, paragraphs, vars } from './shared.ts'

export const thirdPartyOutage: IncidentPlaybook = {
  id: 'third-party-outage',
  kind: 'incident',
  title: { en: 'Third-party provider outage', 'zh-CN': '第三方服务商故障' },
  impact: 'minor',
  vars: [
    {
      name: 'provider',
      description: 'The provider that is down, by the name customers would recognise',
      required: true,
      example: 'Stripe',
    },
    { ...vars.component, example: 'payment by card' },
    { ...vars.workaround, example: 'pay by bank transfer from the invoice page' },
    { ...vars.eta, description: 'When the provider expects to recover, if it has said so' },
    vars.nextUpdate,
    vars.duration,
  ],
  name: {
    en: '{{component}} affected by a {{provider}} outage',
    'zh-CN': '{{provider}}故障影响{{component}}',
  },
  statuses: {
    investigating: {
      en: paragraphs(
        'We are investigating problems with {{component}}. It depends on {{provider}}, which is currently reporting an outage, and we are confirming whether that is the cause.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '我们正在调查{{component}}出现的问题。该服务依赖{{provider}}，而{{provider}}目前报告了故障，我们正在确认这是否就是原因。',
        nextUpdate['zh-CN'],
      ),
    },
    identified: {
      en: paragraphs(
        'The problem with {{component}} is caused by an outage at {{provider}}, a service we rely on. We are working with {{provider}} and doing what we can on our side to limit the impact on you. {{#eta}}{{provider}} expects to recover by {{eta}}.{{/eta}}',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '{{component}}的问题是由我们所依赖的服务商{{provider}}发生故障引起的。我们正在与{{provider}}协作，同时在我们这边尽量减少对您的影响。{{#eta}}{{provider}}预计在{{eta}}前恢复。{{/eta}}',
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        '{{provider}} has recovered and {{component}} is working again. We are watching closely to make sure it stays stable.',
        'If something you tried during the outage did not go through, you can try it again now. If you are not sure whether it went through, check before repeating it, or ask our support team.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '{{provider}}已经恢复，{{component}}也已恢复正常。我们正在密切观察，确保运行稳定。',
        '如果您在故障期间的操作没有成功，现在可以重新尝试。如果不确定操作是否已经生效，请先核实再重试，或联系我们的客服团队。',
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        'This incident is resolved. {{component}} has been working normally since {{provider}} recovered.',
        'The outage started at {{provider}}, but how our service copes with it is our responsibility. We will review how we depend on {{provider}} and share what we are changing so that a problem there affects you less in future.',
      ),
      'zh-CN': paragraphs(
        '此次事件已解决。{{provider}}恢复后，{{component}}一直运行正常。',
        '虽然故障源自{{provider}}，但我们的服务如何应对这类故障，是我们的责任。我们会检讨对{{provider}}的依赖方式，并告诉您我们将做出哪些改进，让今后类似问题对您的影响更小。',
      ),
    },
  },
  workaround: {
    en: '{{#workaround}}Until {{provider}} recovers, you can {{workaround}}.{{/workaround}}',
    'zh-CN': '{{#workaround}}在{{provider}}恢复之前，您可以{{workaround}}。{{/workaround}}',
  },
  apology: {
    en: "We're sorry. {{component}} did not work{{#duration}} for {{duration}}{{/duration}} because of an outage at {{provider}}. We chose to rely on {{provider}}, so the disruption to you is ours to answer for, not theirs. We will share what we are changing so that a problem there affects you less next time.",
    'zh-CN':
      '非常抱歉。由于{{provider}}发生故障，{{component}}{{#duration}}有{{duration}}{{/duration}}无法正常使用。选择依赖{{provider}}的是我们，给您带来的影响理应由我们负责。我们会告诉您我们将做出哪些改进，让今后类似问题对您的影响更小。',
  },
}
