import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { inRegion, nextUpdate, paragraphs, vars } from './shared.ts'

export const networkDns: IncidentPlaybook = {
  id: 'network-dns',
  kind: 'incident',
  title: { en: 'Network or DNS problem', 'zh-CN': '网络或 DNS 故障' },
  impact: 'major',
  vars: [
    { ...vars.component, example: 'the web app' },
    {
      ...vars.region,
      description: 'Where it happens, to follow "in", when it is not everywhere',
      example: 'parts of Germany',
    },
    { ...vars.workaround, example: 'use the mobile app, which is not affected' },
    { ...vars.cause, example: 'a change to our DNS records was published incorrectly' },
    vars.eta,
    vars.nextUpdate,
    vars.duration,
  ],
  name: {
    en: `{{component}} unreachable${inRegion.en}`,
    'zh-CN': `无法访问{{component}}${inRegion['zh-CN']}`,
  },
  statuses: {
    investigating: {
      en: paragraphs(
        `Some customers cannot reach {{component}}${inRegion.en}: pages do not load, or the browser says the address cannot be found or the connection timed out. We are investigating.`,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `部分客户无法访问{{component}}${inRegion['zh-CN']}：页面打不开，或浏览器提示找不到该地址、连接超时。我们正在调查。`,
        nextUpdate['zh-CN'],
      ),
    },
    identified: {
      en: paragraphs(
        `We have found why some customers cannot reach {{component}}${inRegion.en}{{#cause}}: {{cause}}{{/cause}}. We are fixing it now{{#eta}} and expect access to be restored by {{eta}}{{/eta}}.`,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `我们已查明部分客户无法访问{{component}}${inRegion['zh-CN']}的原因{{#cause}}：{{cause}}{{/cause}}。目前正在修复{{#eta}}，预计{{eta}}恢复访问{{/eta}}。`,
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        `We have fixed the problem, and {{component}} is reachable again${inRegion.en}. We are monitoring to make sure it stays that way.`,
        'Networks and devices remember addresses for a while, so the fix can take some time to reach you. If {{component}} still does not load, restart your browser or switch networks; if that does not help, please contact our support team.',
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        `问题已修复，{{component}}${inRegion['zh-CN']}已恢复访问。我们正在持续观察，确保稳定。`,
        '由于网络和设备会缓存地址信息，修复可能需要一段时间才能对您生效。如果{{component}}仍然打不开，请重启浏览器或切换网络；如果仍无法访问，请联系我们的客服团队。',
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        `This incident is resolved. {{component}}${inRegion.en} has been reachable normally since our fix.`,
        'If you still cannot reach it, restart your browser or device, or try another network, and contact our support team if the problem continues. We will publish a post-mortem explaining what happened and what we are changing.',
      ),
      'zh-CN': paragraphs(
        `此次事件已解决。修复后，{{component}}${inRegion['zh-CN']}一直可以正常访问。`,
        '如果您仍然无法访问，请重启浏览器或设备，或换一个网络试试；如果问题依旧，请联系我们的客服团队。我们会发布事后报告，说明事情的经过和我们将做出的改进。',
      ),
    },
  },
  // Another network often helps with DNS and routing faults, so there is advice even without one.
  workaround: {
    en: 'Until this is fixed, {{#workaround}}you can {{workaround}}.{{/workaround}}{{^workaround}}it may help to try another network, for example mobile data instead of office Wi-Fi.{{/workaround}}',
    'zh-CN':
      '在问题修复之前，{{#workaround}}您可以{{workaround}}。{{/workaround}}{{^workaround}}换一个网络试试或许有帮助，例如用手机流量代替办公室 Wi-Fi。{{/workaround}}',
  },
  apology: {
    en: `We're sorry. Some of you could not reach {{component}}${inRegion.en}{{#duration}} for {{duration}}{{/duration}}, and could not get on with your work. Keeping it reachable is our job, and this time we did not. Our post-mortem will explain what went wrong and what we are changing.`,
    'zh-CN': `非常抱歉。{{#duration}}在长达{{duration}}的时间里，{{/duration}}部分客户无法访问{{component}}${inRegion['zh-CN']}，工作因此受到影响。保证服务随时可以访问是我们的职责，这次我们没有做到。我们会在事后报告中说明问题的原因和改进措施。`,
  },
}
