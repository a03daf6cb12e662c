import type { MaintenancePlaybook } from '../../core/playbooks.ts'
import { paragraphs, vars } from './shared.ts'

export const plannedMaintenance: MaintenancePlaybook = {
  id: 'planned-maintenance',
  kind: 'maintenance',
  title: { en: 'Planned maintenance', 'zh-CN': '计划维护' },
  impact: 'maintenance',
  vars: [
    { ...vars.component, example: 'the customer dashboard' },
    {
      name: 'effect',
      description:
        'What customers will notice during the window, without a final full stop; say so if nothing',
      required: true,
      example:
        'sign-in and saving changes will be unavailable for up to 10 minutes, while pages you already have open stay readable',
    },
    {
      name: 'reason',
      description: 'Why the work is needed, written to follow "to"',
      required: false,
      example: 'move it to faster storage',
    },
    { ...vars.workaround, example: 'download the reports you need today from the Reports page' },
    { ...vars.duration, description: 'How long the interruption lasted, for the apology' },
  ],
  name: {
    en: 'Scheduled maintenance: {{component}}',
    'zh-CN': '计划维护：{{component}}',
  },
  statuses: {
    scheduled: {
      en: paragraphs(
        'We will carry out planned maintenance on {{component}} during the scheduled window{{#reason}}, to {{reason}}{{/reason}}.',
        '**What you will notice:** {{effect}}.',
        'We picked this time to disturb as few people as possible. We will post here when the work starts and again when it is finished.',
      ),
      'zh-CN': paragraphs(
        '我们将在计划的维护时间内对{{component}}进行维护{{#reason}}，以便{{reason}}{{/reason}}。',
        '**维护期间您会注意到**：{{effect}}。',
        '我们选择这个时间，是为了尽量减少对您的影响。维护开始和结束时，我们都会在这里通知您。',
      ),
    },
    in_progress: {
      en: paragraphs(
        'Planned maintenance on {{component}} has started.',
        '**What you may notice until we finish:** {{effect}}.',
        'We will post here as soon as the work is finished.',
      ),
      'zh-CN': paragraphs(
        '{{component}}的计划维护已经开始。',
        '**维护结束前您可能会注意到**：{{effect}}。',
        '维护一完成，我们会立即在这里通知您。',
      ),
    },
    verifying: {
      en: paragraphs(
        'The maintenance work on {{component}} is done, and we are checking that everything works as it should.',
        'If you notice anything unusual, please reload the page first, and contact our support team if it continues.',
      ),
      'zh-CN': paragraphs(
        '{{component}}的维护工作已经完成，我们正在检查一切是否运行正常。',
        '如果您发现任何异常，请先刷新页面；如果问题仍然存在，请联系我们的客服团队。',
      ),
    },
    completed: {
      en: paragraphs(
        'Planned maintenance on {{component}} is complete, and everything is working normally.',
        'Thank you for your patience. If anything does not work as it did before, please contact our support team and we will look into it straight away.',
      ),
      'zh-CN': paragraphs(
        '{{component}}的计划维护已完成，一切运行正常。',
        '感谢您的耐心等待。如果有任何功能与之前不同或无法使用，请联系我们的客服团队，我们会立即处理。',
      ),
    },
  },
  workaround: {
    en: '{{#workaround}}During the maintenance, you can {{workaround}}.{{/workaround}}{{^workaround}}To avoid losing work, please save anything you are doing in {{component}} before the maintenance starts.{{/workaround}}',
    'zh-CN':
      '{{#workaround}}维护期间，您可以{{workaround}}。{{/workaround}}{{^workaround}}为避免丢失正在进行的工作，请在维护开始前保存您在{{component}}中的操作。{{/workaround}}',
  },
  apology: {
    en: "We're sorry that {{component}} was interrupted{{#duration}} for {{duration}}{{/duration}}. Even planned work gets in the way of yours, and we are grateful for your patience.",
    'zh-CN':
      '非常抱歉，维护期间{{component}}{{#duration}}中断了{{duration}}{{/duration}}{{^duration}}暂时中断{{/duration}}，打扰了您的工作。即使是提前计划的维护，也会给您带来不便，感谢您的耐心与理解。',
  },
}
