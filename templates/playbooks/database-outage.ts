import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { inRegion, nextUpdate, paragraphs, vars } from './shared.ts'

const checkBeforeRetry = {
  en: 'If an action fails, please check whether it went through before you try again, so that nothing, such as an order or a payment, is submitted twice.',
  'zh-CN': '如果操作失败，请先确认它是否已经生效，再决定是否重试，以免订单、付款等重复提交。',
}

export const databaseOutage: IncidentPlaybook = {
  id: 'database-outage',
  kind: 'incident',
  title: { en: 'Database outage', 'zh-CN': '数据库故障' },
  impact: 'major',
  vars: [
    vars.component,
    vars.region,
    vars.workaround,
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
        `We are investigating a database problem that is affecting {{component}}${inRegion.en}. Pages may fail to load, and saving changes may fail or time out.`,
        `${checkBeforeRetry.en} ${nextUpdate.en}`,
      ),
      'zh-CN': paragraphs(
        `{{component}}${inRegion['zh-CN']}所依赖的数据库出现故障，我们正在排查。页面可能无法打开，保存修改也可能失败或超时。`,
        `${checkBeforeRetry['zh-CN']}${nextUpdate['zh-CN']}`,
      ),
    },
    identified: {
      en: paragraphs(
        `We have found the cause of the database problem affecting {{component}}${inRegion.en}{{#cause}}: {{cause}}{{/cause}}. We are fixing it now{{#eta}} and expect {{component}} to be back by {{eta}}{{/eta}}.`,
        `Until the fix is in place, pages may still fail to load and saving changes may fail. ${checkBeforeRetry.en}`,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `我们已查明{{component}}${inRegion['zh-CN']}数据库故障的原因{{#cause}}：{{cause}}{{/cause}}。目前正在修复{{#eta}}，预计{{eta}}恢复{{/eta}}。`,
        `修复完成前，页面仍可能无法打开，保存修改也可能失败。${checkBeforeRetry['zh-CN']}`,
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        `We have put a fix in place and {{component}} is working again${inRegion.en}. We are watching it closely to make sure it stays stable.`,
        'If you still see errors, please reload the page. If anything you saved while the problem lasted looks wrong or is missing, contact our support team and we will check it with you.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `修复措施已经生效，{{component}}${inRegion['zh-CN']}已恢复正常。我们正在密切观察，确保运行稳定。`,
        '如果仍然看到报错，请刷新页面。如果您在故障期间保存的内容有误或缺失，请联系我们的客服团队，我们会和您一起核查。',
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        `This incident is resolved: {{component}}${inRegion.en} has been working normally since our fix, and we have confirmed that it is stable.`,
        'If anything you saved while the problem lasted looks wrong or is missing, please contact our support team and we will check it with you. We will publish a post-mortem explaining what happened and what we are changing to prevent it from happening again.',
      ),
      'zh-CN': paragraphs(
        `此次事件已解决。修复后，{{component}}${inRegion['zh-CN']}一直运行正常，我们已确认服务稳定。`,
        '如果您在故障期间保存的内容有误或缺失，请联系我们的客服团队，我们会和您一起核查。我们还会发布事后报告，说明事情的经过，以及为防止再次发生而做的改进。',
      ),
    },
  },
  workaround: {
    en: `{{#workaround}}While we fix this, you can {{workaround}}. ${checkBeforeRetry.en}{{/workaround}}`,
    'zh-CN': `{{#workaround}}修复期间，您可以{{workaround}}。${checkBeforeRetry['zh-CN']}{{/workaround}}`,
  },
  apology: {
    en: `We're sorry. {{component}} was unavailable${inRegion.en}{{#duration}} for {{duration}}{{/duration}}, and you could not rely on us when you needed to. Keeping it running is our job, and this time we did not. In our post-mortem we will explain what went wrong and what we are changing, and in a few days we will check with you that everything is working as it should.`,
    'zh-CN': `非常抱歉。{{component}}${inRegion['zh-CN']}{{#duration}}中断了{{duration}}{{/duration}}{{^duration}}一度无法使用{{/duration}}，在您需要的时候没能正常工作。保障服务稳定运行是我们的职责，这次我们没有做到。我们会在事后报告中说明问题的原因和改进措施，并在几天后再联系您，确认一切都已恢复正常。`,
  },
}
