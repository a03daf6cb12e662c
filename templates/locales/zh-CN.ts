import { creditFacts } from '../../core/compensation.ts'
import { durationParts, formatUptime } from '../../core/format.ts'
import { en, timeOfDayIn, type Catalog } from './en.ts'

const listFormat = new Intl.ListFormat('zh-CN', { type: 'conjunction' })

function time(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(iso))
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}年${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')} ${get('timeZoneName')}`
}

const UNITS = { d: '天', h: '小时', min: '分钟' } as const

/** "3 小时 12 分钟": the same rounding as the English "3 h 12 min" (core/format.ts). */
function duration(ms: number): string {
  return durationParts(ms)
    .map((p) => `${p.n} ${UNITS[p.unit]}`)
    .join(' ')
}

/** "2026年3月12日", the calendar day in the page's zone. */
function date(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(iso))
}

const incidentStatus: Record<string, string> = {
  investigating: '正在调查',
  identified: '已查明原因',
  monitoring: '正在观察',
  resolved: '已解决',
  postmortem: '事后分析已发布',
}
const maintenanceStatus: Record<string, string> = {
  scheduled: '已计划',
  in_progress: '进行中',
  verifying: '正在验证',
  completed: '已完成',
}

/** The page status (core/status-rollup.ts descriptions) as Chinese readers say it. */
const BANNER: Record<string, string> = {
  'All Systems Operational': '所有系统运行正常',
  'Service Under Maintenance': '服务正在维护',
  'Partially Degraded Service': '部分服务性能下降',
  'Minor Service Outage': '部分服务出现故障',
  'Partial System Outage': '部分系统中断',
  'Major Service Outage': '服务严重中断',
}

export const zhCN: Catalog = {
  lang: 'zh-CN',
  list: (names) => listFormat.format(names),
  colon: '：',
  time,
  incidentStatus,
  maintenanceStatus,
  cancelled: '已取消',
  impact: { none: '无影响', minor: '轻微影响', major: '严重影响', critical: '紧急' },
  recordSubject: (kind, status, name) =>
    kind === 'incident' ? `${status}：${name}` : `维护${status}：${name}`,
  statusLine: (status, impact) => (impact ? `状态：${status} · ${impact}` : `状态：${status}`),
  posted: (t) => `发布于 ${t}`,
  window: (from, until) => `计划时间：${from} 至 ${until}`,
  affectedOpen: (names) => `您关注的服务中受影响的：${names}`,
  affectedClosed: (names) => `曾受影响：${names}`,
  inMaintenance: (names) => `您关注的服务中涉及此次维护的：${names}`,
  workingNormally: (names) => `运行正常：${names}`,
  workingAgain: (names) => `已恢复正常：${names}`,
  notAffected: (names) => `不受影响：${names}`,
  noneOfYours: '您关注的服务均未受影响。',
  noneOfYoursClosed: '您关注的服务均未受到影响。',
  noComponents: '没有标明受影响的具体服务。',
  workaround: '临时解决办法',
  apology: '我们的致歉',
  compensation: '我们为您提供的补偿',
  credit(c, credit, timeZone) {
    const f = creditFacts(c)
    const when = f.added_at ? `自 ${date(f.added_at, timeZone)} 添加以来` : '本月'
    const reason =
      f.down_ms !== null
        ? `${f.component_name} ${when}累计不可用 ${duration(f.down_ms)}`
        : `${f.component_name} ${when}出现的服务中断`
    return `由于 ${reason}，您的账户将获得 ${credit}% 的服务抵扣。`
  },
  postmortem: '事后分析：发生了什么，我们将如何改进',
  followIncident: '在状态页面上查看此事件',
  followMaintenance: '在状态页面上查看此维护',
  why: (page, what) => `您收到这封邮件，是因为您订阅了 ${page} 关于${what}的通知。`,
  everything: '所有服务',
  manage: '更改订阅内容',
  unsubscribe: '退订',
  confirmation: {
    subject: '请确认您的订阅',
    intro: (page, what) => `请确认您希望接收 ${page} 关于${what}的邮件通知。`,
    button: '确认订阅',
    expires: (t) => `此链接将于 ${t} 失效。`,
    ignore: '如果这不是您本人的操作，请忽略这封邮件：您不会再收到我们的任何邮件。',
  },
  quarantined: {
    subject: (endpoint) => `已暂停向 ${endpoint} 发送更新`,
    intro: (page, endpoint) =>
      `${page} 已停止向 ${endpoint} 发送状态更新：它连续多次拒绝了我们的推送，因此我们暂停了推送，而不是继续失败。`,
    lastError: '我们收到的最后一次答复',
    howTo: '当该地址重新可以接收我们的请求后，请在订阅页面重新开启更新，或在状态页上重新订阅。',
    manageButton: '打开您的订阅',
    subscribe: '重新订阅',
    once: '在此之前，我们不会再向它发送任何内容；这也是关于此事的唯一一封邮件。',
  },
  notice: {
    reminder_24h: (start) => `提醒：此次维护将在 24 小时后开始，时间为 ${start}。`,
    reminder_1h: (start) => `提醒：此次维护将在 1 小时后开始，时间为 ${start}。`,
    overrun: (end) => `此次维护耗时超出计划：原定于 ${end} 结束。维护完成后我们会立即通知您。`,
  },
  followUp: {
    question: '一切都恢复正常了吗？',
    intro: (at) =>
      `我们已于 ${at} 解决了此事件。我们想确认问题在您那里也已真正解决，而不仅仅是在我们这边。`,
    allGood: '是的，一切正常',
    stillAffected: '不，我仍然遇到问题',
    oneClick: '点击一次即可；您还可以在打开的页面上补充说明。',
  },
  chat: {
    heading: (status, title) => `${status}：${title}`,
    maintenanceHeading: (status, title) => `维护（${status}）：${title}`,
    facts: {
      affectedOpen: '您受影响的服务',
      affectedClosed: '曾受影响',
      inMaintenance: '涉及此次维护的服务',
      workingAgain: '已恢复正常',
      workingNormally: '运行正常',
      notAffected: '不受影响',
    },
    window: '时间',
    span: (from, until) => `${from} 至 ${until}`,
    latestUpdate: '最新动态',
    viewIncident: '查看事件',
    viewMaintenance: '查看维护',
    why: (page, what) => `此频道订阅了 ${page} 关于${what}的通知。`,
    confirm: {
      title: '请确认订阅状态通知',
      intro: (page, what) => `有人为此频道订阅了 ${page} 关于${what}的状态通知。请确认以开始接收。`,
      ignore: '如果这里没有人请求订阅，请忽略此消息：此频道不会再收到任何消息。',
    },
  },
  postmortemTemplate: {
    headings: {
      summary: '概述',
      impact: '影响',
      timeline: '时间线',
      rootCause: '根本原因',
      changes: '我们的改进措施',
    },
    summary: (affected) =>
      `用两三句话说明${affected ? ` ${affected} ` : ''}发生了什么：客户看到了什么，无法完成什么。`,
    impact: ({ started, resolved, duration }) =>
      `谁受到了影响、如何受影响、持续了多久。影响开始于 ${started}${resolved ? `，结束于 ${resolved}（共 ${duration}）` : '，此事件尚未解决'}。`,
    began: '影响开始',
    rootCause: '什么出了故障、为什么出故障，对事不对人：是哪些条件让它发生，而不是谁。',
    changes: ['防止再次发生的每一项改进，以及完成日期。'],
    timeOfDay: (iso, timeZone) => timeOfDayIn('zh-CN', iso, timeZone),
    duration,
  },
  calendar: {
    name: (page) => `${page} 维护计划`,
    personalName: (page) => `${page} 维护计划（您关注的服务）`,
    summary: (name) => `维护：${name}`,
    inWindow: (names) => `此次维护涉及：${names}`,
  },
  feedback: {
    subject: (page) => `您发给 ${page} 的消息`,
    thanks: '感谢您告诉我们。大多数遇到问题的人从不反馈；您反馈了，这对我们很有帮助。',
    promise: '我们的工作人员会阅读您的消息，并在 24 小时内回复。',
    statusPage: '查看我们服务的当前状态',
    answerIntro: '以下是我们对您消息的回复。',
    helped: '谢谢您——是您帮我们发现了这个问题。',
    helpedBody: (incident) =>
      `您的反馈是这个问题最早的迹象之一。我们已着手调查，并发布了事件“${incident}”；在问题解决之前，我们会在那里持续发布进展。`,
    signed: (author) => `—— ${author}`,
    more: (url) => `还有其他问题？请在这里告诉我们：${url}`,
    why: (page) => `您收到这封邮件，是因为您给 ${page} 发送了消息。我们不会将您加入任何邮件列表。`,
  },
  // Internal mail to the team: English only.
  oncall: en.oncall,
  account: en.account,
  site: {
    frame: {
      status: '状态',
      title: (page) => (/(status|状态)$/i.test(page) ? page : `${page} 服务状态`),
      nav: {
        status: '状态',
        history: '历史',
        uptime: '可用性',
        subscribe: '订阅通知',
        report: '报告问题',
      },
      mainNav: '主导航',
      skip: '跳到正文',
      language: '语言',
      languageName: '简体中文',
      untranslated: (lang) => `部分内容尚未翻译，以${lang}显示。`,
      backTo: (company) => `返回 ${company}`,
      support: '客户支持',
      updated: '最后更新',
      reportLead: '遇到问题？',
      reportLink: '报告问题',
      reportPromise: '，我们会在 24 小时内回复。',
      subscribe: '订阅',
      feeds: { email: '邮件', rss: 'RSS', atom: 'Atom', calendar: '日历', json: 'JSON API' },
      feedTitle: (page, feed) =>
        ({
          rss: `${page} 事件（RSS）`,
          atom: `${page} 事件（Atom）`,
          json: `${page} 状态（JSON）`,
          calendar: `${page} 维护计划（iCalendar）`,
        })[feed],
      publishedAs: '发布时显示为',
      newer: '有新的状态更新。',
      reload: '刷新页面',
      componentStatus: {
        operational: '运行正常',
        degraded_performance: '性能下降',
        partial_outage: '部分中断',
        major_outage: '严重中断',
        under_maintenance: '维护中',
      },
      day: (d) => date(`${d}T12:00:00Z`, 'UTC'),
      notFound: {
        title: '页面不存在',
        heading: '页面不存在',
        text: '这个地址没有页面。页面可能已经移动，或者链接有误。',
        description: (page) => `${page} 状态页上没有这个页面。`,
        status: (page) => `${page} 的当前状态`,
      },
    },
    home: {
      banner: (description) => BANNER[description] ?? description,
      description: (status, page) => `${status}。${page} 的实时状态、事件和可用性。`,
      active: '正在处理的事件',
      maintenance: '计划维护',
      addToCalendar: '添加到日历',
      components: '服务组件',
      uptimeDetails: '可用性详情',
      past: '过往事件',
      history: '事件历史',
      noIncidents: '未报告任何事件。',
      lookingInto: (components) =>
        components.length
          ? `我们收到了有关${listFormat.format(components)}的问题反馈，正在调查。`
          : '我们收到了问题反馈，正在调查，并会在此发布更新。',
      groupMeta: (n, uptime, days) => `${n} 个组件 · 过去 ${days} 天可用性 ${uptime}`,
    },
    uptime: {
      title: '可用性',
      heading: (days) => `可用性（最近 ${days} 天）`,
      description: (page, days) => `${page} 各组件最近 ${days} 天的可用性。`,
      method: (tz) =>
        `按自然日（${tz}）以时间加权计算。严重中断全部计为不可用，部分中断按 30% 计，性能下降不计；维护时间不计入。`,
      key: '图例',
      keys: {
        ok: '运行正常',
        degraded: '性能下降',
        partial: '部分中断',
        major: '严重中断',
        maintenance: '维护',
        none: '无数据',
      },
      barLabel: (name, days) => `${name}：最近 ${days} 天每日可用性`,
      daysAgo: (days) => `${days} 天前`,
      over: (uptime, days) => `${days} 天可用性 ${uptime}`,
      today: '今天',
      dayUptime: (uptime) => `可用性 ${uptime}`,
      noData: '无数据',
      maintenanceFor: (d) => `维护 ${d}`,
      major: (d) => `严重中断 ${d}`,
      partial: (d) => `部分中断 ${d}`,
      degraded: (d) => `性能下降 ${d}`,
      maintenance: (d) => `维护 ${d}`,
      incidents: '事件',
      join: (parts) => parts.join('，'),
      percent: (u) => (u === null ? '无数据' : formatUptime(u)),
      duration,
      dailyFigures: '每日数据',
      dailyCaption: (name) => `${name}：每日可用性，最新在前`,
      dayColumn: '日期',
      uptimeColumn: '可用性',
      noUptime: '暂无可用性数据。',
      target: (t) => `目标 ${t}`,
      meets: (t) => `达到 ${t} 的目标`,
      below: (t) => `低于 ${t} 的目标`,
    },
    incident: {
      maintenance: '维护',
      back: '← 当前状态',
      description: (status, page) =>
        `${page} 状态页上的事件（${status}）：时间线、受影响的服务和临时解决办法。`,
      maintenanceDescription: (status, page) =>
        `${page} 状态页上的维护（${status}）：时间窗口、涉及的服务和最新动态。`,
      started: '开始时间',
      resolved: '解决时间',
      notYet: '尚未解决',
      duration: '持续时间',
      ongoingFor: (d) => `已持续 ${d}`,
      ongoing: '进行中',
      resolvedAfter: (d) => `已解决，共持续 ${d}。`,
      workaround: '临时解决办法：在修复之前您可以这样做',
      whileItLasted: '事件期间的临时解决办法：',
      workaroundGiven: '给出了上方的临时解决办法。',
      workaroundEarlier: '当时的临时解决办法：',
      readPostmortem: '阅读事后分析：发生了什么，我们将如何改进',
      affectedComponents: '受影响的服务',
      affectedWhile: '事件期间受影响的服务',
      updates: '最新动态',
      postmortem: '事后分析',
      published: '发布于',
      change: (name, from, to) => `${name}：${from} → ${to}`,
      fullTimeline: '完整时间线',
      fullTimelineOf: (name) => `：${name}`,
      languages: { en: '英文', 'zh-CN': '简体中文' },
      affected: {
        list: (names) => listFormat.format(names),
        sentence: ({ down, working, workingCount }) =>
          workingCount === 0 ? `${down}受到影响。` : `仅${down}受到影响；${working}运行正常。`,
      },
      windowLabel: '时间窗口',
      plannedLength: '计划时长',
      completed: '完成时间',
      cancelledNote: '此次维护已取消，不会在这个时间窗口进行。',
      maintenanceLead: {
        scheduled: '在此时间窗口内，以下服务可能无法使用。',
        inProgress: '维护正在进行：在完成之前，以下服务可能无法使用。',
        completed: '维护已完成：涉及的所有服务均已恢复正常。',
      },
      calendar: (page) => `将 ${page} 的维护计划添加到您的日历`,
      inWindow: '此次维护涉及的服务',
      affects: '涉及：',
    },
    history: {
      title: '事件历史',
      monthTitle: (month) => `事件历史：${month}`,
      description: (page) => `${page} 近期的事件和维护。`,
      monthDescription: (page, month) => `${page} 在 ${month} 的事件和维护。`,
      lastMonths: (n) => `最近 ${n} 个有事件或维护的月份，最新的在前。`,
      noneInMonth: (month) => `${month} 没有报告任何事件。`,
      noneYet: '尚未报告任何事件。',
      months: '月份',
      postmortem: '事后分析',
      feed: {
        lang: 'zh-CN',
        title: (page) => `${page} 事件历史`,
        description: (page) => `${page} 的事件和维护`,
        status: (s) => incidentStatus[s] ?? maintenanceStatus[s] ?? s,
        cancelled: '已取消',
        scheduled: '计划时间',
        affected: '受影响',
        postmortem: '事后分析',
        apology: '我们的致歉',
        workaround: '临时解决办法',
        itemTitle: (kind, name, status) =>
          `${kind === 'maintenance' ? '维护：' : ''}${name}（${status}）`,
      },
    },
    forms: {
      reportTitle: '报告问题',
      reportDescription: (page) =>
        `向 ${page} 团队报告问题：我们的工作人员会阅读每一份报告，并在 24 小时内回复。`,
      reportIntro:
        '有什么功能不正常吗？请告诉我们。我们的工作人员会阅读每一份报告；如果您留下邮箱地址，我们会在 24 小时内回复。',
      alreadyPosted: ['已经发布过了？', '当前状态', '列出了我们已知的所有问题及临时解决办法。'],
      askOpen: '您受到影响了吗？请告诉我们',
      askOpenIntro:
        '告诉我们您遇到的情况：这能帮助我们更快地找到并解决问题，每一份报告都有专人阅读。',
      askResolved: '仍然受到影响？请告诉我们',
      askResolvedIntro: '如果您那里仍有功能无法正常使用，请告诉我们：每一份报告都有专人阅读。',
      message: '您遇到了什么问题？',
      component: '哪项服务？',
      optional: '（选填）',
      notSure: '不确定 / 多项服务',
      email: '您的邮箱（如需回复）',
      leaveEmpty: '请勿填写此字段',
      send: '发送报告',
      subscribeTitle: '通过邮件接收通知',
      subscribeDescription: (page) => `接收 ${page} 事件和维护的邮件通知，只针对您使用的服务。`,
      ways: '接收通知的方式',
      channels: {
        email: '邮件',
        webhook: 'Webhook',
        slack: 'Slack',
        teams: 'Teams',
        discord: 'Discord',
        sms: '短信',
      },
      subscribeIntro:
        '当您使用的服务受到影响或计划维护时，我们会给您发送邮件，同一事件的所有动态都在同一个邮件会话中。下方不做任何选择即可接收所有通知。我们会先发送确认链接；每封邮件都可以一键退订。',
      emailAddress: '邮箱地址',
      onlyThese: '仅以下服务',
      otherServices: '其他服务',
      language: '语言',
      subscribe: '订阅',
      preferFeed: '更喜欢订阅源？',
    },
    pages: {
      help: '遇到问题？',
      helpAfter: '，我们会在 24 小时内答复。',
      untranslated: '本页正文尚未翻译，以英文显示。',
      badgeLabel: '状态',
      badgeStatus: {
        operational: '正常',
        degraded_performance: '性能下降',
        partial_outage: '部分中断',
        major_outage: '严重中断',
        under_maintenance: '维护中',
      },
    },
  },
}
