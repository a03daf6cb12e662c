import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { inRegion, nextUpdate, paragraphs, vars } from './shared.ts'

export const degradedPerformance: IncidentPlaybook = {
  id: 'degraded-performance',
  kind: 'incident',
  title: { en: 'Degraded performance', 'zh-CN': '性能下降' },
  impact: 'minor',
  vars: [
    vars.component,
    vars.region,
    {
      name: 'symptom',
      description: 'What customers notice, following a colon, without a final full stop',
      required: false,
      example: 'pages take 10 to 20 seconds to load and some exports time out',
    },
    { ...vars.workaround, example: 'use the scheduled export instead of the Export button' },
    { ...vars.cause, example: 'a faulty release made every search much more expensive to run' },
    vars.eta,
    vars.nextUpdate,
    vars.duration,
  ],
  name: {
    en: `Slow responses from {{component}}${inRegion.en}`,
    'zh-CN': `{{component}}响应缓慢${inRegion['zh-CN']}`,
  },
  statuses: {
    investigating: {
      en: paragraphs(
        `{{component}} is working, but slower than usual${inRegion.en}{{#symptom}}: {{symptom}}{{/symptom}}{{^symptom}}, and some requests may time out{{/symptom}}. We are investigating.`,
        'If something times out, please wait a minute before trying again: many retries at once add to the load and make it slower for everyone.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `{{component}}${inRegion['zh-CN']}目前可以使用，但响应比平时慢{{#symptom}}：{{symptom}}{{/symptom}}{{^symptom}}，部分请求可能超时{{/symptom}}。我们正在排查原因。`,
        '如果遇到超时，请稍等一分钟再重试：短时间内反复重试会加重系统负担，让所有人都更慢。',
        nextUpdate['zh-CN'],
      ),
    },
    identified: {
      en: paragraphs(
        `We have found why {{component}} is slow${inRegion.en}{{#cause}}: {{cause}}{{/cause}}. We are working on a fix{{#eta}} and expect normal speed again by {{eta}}{{/eta}}.`,
        'Until then it keeps working, but it may be slow and some requests may time out. Please wait a minute before retrying anything that fails.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `我们已查明{{component}}${inRegion['zh-CN']}响应缓慢的原因{{#cause}}：{{cause}}{{/cause}}。目前正在修复{{#eta}}，预计{{eta}}恢复正常速度{{/eta}}。`,
        '在此之前，服务仍可使用，但可能较慢，部分请求可能超时。如果操作失败，请稍等一分钟再重试。',
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        `We have applied a fix and {{component}} is back to its normal speed${inRegion.en}. We are monitoring it to make sure it stays that way.`,
        'If it still feels slow for you, please reload the page, and tell our support team if that does not help.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `修复措施已生效，{{component}}${inRegion['zh-CN']}已恢复正常速度。我们正在持续观察，确保运行稳定。`,
        '如果您仍觉得很慢，请刷新页面；如果仍无改善，请告诉我们的客服团队。',
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        `This incident is resolved. {{component}}${inRegion.en} has been responding at its normal speed since our fix.`,
        'If something you did timed out while it was slow, please check that it went through; our support team can help you check. We will publish a short post-mortem explaining what happened.',
      ),
      'zh-CN': paragraphs(
        `此次事件已解决。修复后，{{component}}${inRegion['zh-CN']}一直以正常速度响应。`,
        '如果您在服务变慢期间有操作超时，请确认它是否已经完成；如有需要，我们的客服团队可以协助核查。我们会发布一份简短的事后报告，说明事情的经过。',
      ),
    },
  },
  workaround: {
    en: '{{#workaround}}While {{component}} is slow, you can {{workaround}}.{{/workaround}}',
    'zh-CN':
      '{{#workaround}}在{{component}}恢复正常速度之前，您可以{{workaround}}。{{/workaround}}',
  },
  apology: {
    en: `We're sorry. {{component}} was slow${inRegion.en}{{#duration}} for {{duration}}{{/duration}}, and that cost you time and patience. You should not have to wait on us. We will share what caused it and what we are changing to keep it fast.`,
    'zh-CN': `非常抱歉。{{component}}${inRegion['zh-CN']}{{#duration}}有{{duration}}{{/duration}}响应缓慢，耽误了您的时间，也给您添了不少麻烦。您本不该为此等待。我们会说明原因，以及为保证服务速度所做的改进。`,
  },
}
