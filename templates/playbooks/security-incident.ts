import type { IncidentPlaybook, Localized } from '../../core/playbooks.ts'
import { nextUpdate, paragraphs, vars } from './shared.ts'

// Say only what is confirmed: no guesses about scope, cause or data, and no advice to act
// until the security team has decided it is needed (customer_action).

const whatToDo: Localized = {
  en: '**What you should do:** {{#customer_action}}please {{customer_action}}.{{/customer_action}}{{^customer_action}}nothing at the moment. If you need to take any step, such as changing a password or rotating API keys, we will say so here and tell you directly.{{/customer_action}}',
  'zh-CN':
    '**您需要做什么**：{{#customer_action}}请{{customer_action}}。{{/customer_action}}{{^customer_action}}目前无需采取任何操作。如果需要您修改密码或轮换 API 密钥等，我们会在这里说明，并直接通知您。{{/customer_action}}',
}

const phishing: Localized = {
  en: 'We will never ask for your password or keys by email, chat or phone. If you receive such a request claiming to be from us, do not reply, and report it to our support team.',
  'zh-CN':
    '我们绝不会通过邮件、聊天或电话向您索要密码或密钥。如果收到自称来自我们的此类请求，请不要回复，并告知我们的客服团队。',
}

export const securityIncident: IncidentPlaybook = {
  id: 'security-incident',
  kind: 'incident',
  title: { en: 'Security incident', 'zh-CN': '安全事件' },
  impact: 'major',
  vars: [
    {
      ...vars.component,
      description: 'The affected product area as customers know it; no internal system names',
      example: 'the customer dashboard',
    },
    {
      name: 'customer_action',
      description:
        'A protective step customers should take, written to follow "please"; only once the security team has confirmed it is needed',
      required: false,
      example: 'sign out of all sessions and create new API keys for any created before 12 March',
    },
    {
      name: 'report_date',
      description: 'When the full report will be published; leave out until it is committed to',
      required: false,
      example: 'Friday 21 March',
    },
    vars.nextUpdate,
  ],
  name: {
    en: 'Security issue affecting {{component}}',
    'zh-CN': '涉及{{component}}的安全问题',
  },
  statuses: {
    investigating: {
      en: paragraphs(
        'We are investigating a possible security issue affecting {{component}}. Our security team is working on it now, and protecting your account and data comes first.',
        'At this stage we do not know whether any customer data is affected, and we will not guess. When we have confirmed facts, we will share them here and contact affected customers directly.',
        whatToDo.en,
        phishing.en,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '我们正在调查一个可能影响{{component}}的安全问题。安全团队正在全力处理，保护您的账户和数据是我们的首要任务。',
        '目前我们尚不清楚是否有客户数据受到影响，也不会妄加推测。一旦有确认的事实，我们会在这里公布，并直接联系受影响的客户。',
        whatToDo['zh-CN'],
        phishing['zh-CN'],
        nextUpdate['zh-CN'],
      ),
    },
    identified: {
      en: paragraphs(
        'We have identified the security issue affecting {{component}} and are taking steps to contain it.',
        'Our investigation into whether any customer data was affected is continuing. We will share confirmed findings only, and contact affected customers directly.',
        whatToDo.en,
        phishing.en,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '我们已查明影响{{component}}的安全问题，正在采取措施加以控制。',
        '关于是否有客户数据受到影响，调查仍在进行中。我们只会公布经过确认的结论，并直接联系受影响的客户。',
        whatToDo['zh-CN'],
        phishing['zh-CN'],
        nextUpdate['zh-CN'],
      ),
    },
    monitoring: {
      en: paragraphs(
        'The security issue affecting {{component}} is contained, and we have put a fix in place. We are monitoring closely for any further suspicious activity.',
        'Our investigation is continuing. We will share confirmed findings here and contact affected customers directly.',
        whatToDo.en,
        nextUpdate.en,
      ),
      'zh-CN': paragraphs(
        '影响{{component}}的安全问题已得到控制，修复措施也已部署。我们正在密切监控，留意是否还有可疑活动。',
        '调查仍在继续。我们会在这里公布经过确认的结论，并直接联系受影响的客户。',
        whatToDo['zh-CN'],
        nextUpdate['zh-CN'],
      ),
    },
    resolved: {
      en: paragraphs(
        'The security issue affecting {{component}} is resolved.',
        'We will publish a full report {{#report_date}}by {{report_date}}{{/report_date}}{{^report_date}}when our investigation is complete{{/report_date}}: what happened, whether and how customer data was affected, and what we are changing. Customers who were affected will hear from us directly.',
        '{{#customer_action}}If you have not done so yet, please {{customer_action}}.{{/customer_action}}',
        phishing.en,
      ),
      'zh-CN': paragraphs(
        '影响{{component}}的安全问题已解决。',
        '我们将{{#report_date}}在{{report_date}}前{{/report_date}}{{^report_date}}在调查结束后{{/report_date}}发布完整报告，说明事情经过、客户数据是否受到影响及影响程度，以及我们将做出的改进。受影响的客户会直接收到我们的通知。',
        '{{#customer_action}}如果您还没有操作，请{{customer_action}}。{{/customer_action}}',
        phishing['zh-CN'],
      ),
    },
  },
  workaround: {
    en: '{{#customer_action}}To protect your account, please {{customer_action}}.{{/customer_action}}',
    'zh-CN': '{{#customer_action}}为保护您的账户安全，请{{customer_action}}。{{/customer_action}}',
  },
  apology: {
    en: "We're sorry. You trust us to keep {{component}} and your data secure, and this incident should not have happened. We will publish the full findings{{#report_date}} by {{report_date}}{{/report_date}}, including what they mean for you and what we are changing.",
    'zh-CN':
      '非常抱歉。您信任我们能保障{{component}}和您数据的安全，而这次事件本不应发生。我们将{{#report_date}}在{{report_date}}前{{/report_date}}公布完整的调查结论，包括对您的影响，以及我们将做出的改进。',
  },
}
