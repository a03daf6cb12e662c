import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { inRegion, nextUpdate, paragraphs, vars } from './shared.ts'

/**
 * A service down or failing, cause unknown yet: what a draft opened by monitoring proposes, so the
 * first public words are written for customers, not the alert's engineer-facing text.
 */
export const serviceOutage: IncidentPlaybook = {
  id: 'service-outage',
  kind: 'incident',
  title: { en: 'Service outage', 'zh-CN': '服务中断' },
  impact: 'major',
  vars: [
    vars.component,
    vars.region,
    { ...vars.workaround, example: 'use the mobile app, which is not affected' },
    vars.cause,
    vars.eta,
    vars.nextUpdate,
    vars.duration,
  ],
  name: {
    en: `{{component}} unavailable${inRegion.en}`,
    'zh-CN': `{{component}}无法使用${inRegion['zh-CN']}`,
  },
  statuses: {
    investigating: {
      en: paragraphs(
        `{{component}} is failing for some or all customers${inRegion.en}. We are investigating and will tell you what we find.`,
        'What you were doing may not have gone through: please check before trying it again.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `{{component}}${inRegion['zh-CN']}目前对部分或全部客户无法正常使用。我们正在排查，查明后会第一时间告知。`,
        '您正在进行的操作可能没有完成：请先确认，再重新尝试。',
        nextUpdate['zh-CN'],
      ),
    },
    identified: {
      en: paragraphs(
        `We have found why {{component}} is failing${inRegion.en}{{#cause}}: {{cause}}{{/cause}}. We are fixing it now{{#eta}} and expect it back by {{eta}}{{/eta}}.`,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `我们已查明{{component}}${inRegion['zh-CN']}无法使用的原因{{#cause}}：{{cause}}{{/cause}}。目前正在修复{{#eta}}，预计{{eta}}恢复{{/eta}}。`,
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        `{{component}} is working again${inRegion.en}. We are monitoring it closely to make sure it stays that way.`,
        'If something still fails for you, please reload and try again, and tell our support team if it keeps failing.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `{{component}}${inRegion['zh-CN']}已恢复正常。我们正在密切观察，确保运行稳定。`,
        '如果仍有操作失败，请刷新后重试；如果问题持续，请告诉我们的客服团队。',
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        `This incident is resolved. {{component}}${inRegion.en} has been working normally since our fix.`,
        'If something you did while it was failing did not go through, please try it again; our support team can help you check. We will publish a short post-mortem explaining what happened.',
      ),
      'zh-CN': paragraphs(
        `此次事件已解决。修复后，{{component}}${inRegion['zh-CN']}一直运行正常。`,
        '如果您在故障期间的操作没有完成，请重新尝试；如有需要，我们的客服团队可以协助核查。我们会发布一份简短的事后报告，说明事情的经过。',
      ),
    },
  },
  workaround: {
    en: '{{#workaround}}Until {{component}} is back, you can {{workaround}}.{{/workaround}}',
    'zh-CN': '{{#workaround}}在{{component}}恢复之前，您可以{{workaround}}。{{/workaround}}',
  },
  apology: {
    en: `We're sorry. {{component}} was unavailable${inRegion.en}{{#duration}} for {{duration}}{{/duration}}, and you could not count on us when you needed to. We will share what caused it and what we are changing so it does not happen again.`,
    'zh-CN': `非常抱歉。{{component}}${inRegion['zh-CN']}{{#duration}}有{{duration}}{{/duration}}无法使用，在您需要的时候我们没能做到可靠。我们会说明原因，以及为避免再次发生所做的改进。`,
  },
}
