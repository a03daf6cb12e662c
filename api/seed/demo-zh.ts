import type { LocaleSettings, LocalizedInput } from '../../core/localized.ts'

/**
 * The demo's incident text in Simplified Chinese, keyed by the English: with `LOCALES=en,zh-CN`
 * (the demo's default) every incident and maintenance is written in both, so /zh-CN/ reads
 * Chinese throughout. The post-mortems stay English, so the page's "not translated" note shows.
 */
const ZH: Readonly<Record<string, string>> = {
  'Checkout pages load at their usual speed again.': '结账页面的加载速度已恢复正常。',
  'Receipt emails go out within seconds again.': '收据邮件又能在几秒内发出了。',
  'Slow dashboard loading': '控制台加载缓慢',
  'Some pages of the dashboard take longer than usual to load. We are looking into it.':
    '控制台的部分页面加载比平时慢，我们正在排查。',
  'A slow database query on the reports page is the cause. A fix is being deployed.':
    '原因是报表页面上的一条数据库查询过慢，修复正在部署中。',
  'The fix is deployed and the dashboard loads at its usual speed again.':
    '修复已部署，控制台的加载速度已恢复正常。',
  'Delayed receipt emails': '收据邮件延迟',
  'Receipt emails are arriving with delays of up to 30 minutes.': '收据邮件最多延迟 30 分钟送达。',
  'Our email provider is throttling us after a traffic spike. We are moving traffic to a second provider.':
    '流量激增后，我们的邮件服务商对发送进行了限流。我们正在把流量切换到第二家服务商。',
  'Traffic is on the second provider and the backlog is draining. We are watching it.':
    '流量已切换到第二家服务商，积压的邮件正在发出，我们正在观察。',
  'All delayed emails have been delivered. New receipts go out within seconds again.':
    '所有延迟的邮件均已送达，新的收据又能在几秒内发出了。',
  'Database upgrade': '数据库升级',
  'We are upgrading our primary database. The dashboard may be read-only for a few minutes during the window.':
    '我们将升级主数据库。维护期间，控制台可能有几分钟处于只读状态。',
  'The upgrade finished ahead of schedule. Everything is back to normal.':
    '升级提前完成，一切已恢复正常。',
  'Login failures for SSO users': 'SSO 用户登录失败',
  'Some customers who sign in with SSO see an error page.':
    '部分使用 SSO 登录的客户看到了错误页面。',
  'Sign in with your email and password, or a magic link, while we fix SSO.':
    '在我们修复 SSO 期间，请使用邮箱和密码或登录链接登录。',
  'An expired certificate on one SSO endpoint is the cause. We are replacing it.':
    '原因是一个 SSO 端点的证书已过期，我们正在更换。',
  'The certificate has been replaced and SSO sign-in works again.':
    '证书已更换，SSO 登录已恢复正常。',
  'Payments API outage': '支付 API 故障',
  'Card charges are failing. We are investigating with the highest priority.':
    '银行卡扣款失败，我们正以最高优先级排查。',
  'A network change at our card processor dropped connections from our region. We are failing over to the second processor.':
    '我们的收单机构调整网络后，来自我们所在区域的连接被断开。我们正在切换到第二家收单机构。',
  'Payments that failed can be retried safely: no card was charged twice.':
    '失败的付款可以放心重试，不会重复扣款。',
  'Charges are succeeding through the second processor. We are monitoring closely.':
    '通过第二家收单机构的扣款已经成功，我们正在密切观察。',
  'Card charges have succeeded normally for an hour. A full account of what happened will follow within five days.':
    '银行卡扣款已正常运行一小时。我们会在五天内发布完整的事件说明。',
  'We are sorry. For 3 hours 12 minutes many of your customers could not pay you, and some of you lost sales because of it. That is not the service you rely on us for, and we are making the changes below so it does not happen again.':
    '非常抱歉。在 3 小时 12 分钟里，您的许多客户无法付款，有些商家因此损失了销售额。这不是您信赖我们提供的服务，我们正在进行以下改进，防止再次发生。',
  'Webhook delivery delays': 'Webhook 投递延迟',
  'Webhooks are being delivered with a delay of a few minutes.': 'Webhook 的投递延迟了几分钟。',
  'The queue has caught up. Webhooks are delivered in real time again.':
    '队列已追上进度，Webhook 又能实时投递了。',
  'Elevated error rates on the Public API': '公开 API 错误率升高',
  'About 5% of requests to the Public API fail with a 503 error. We are investigating.':
    '约 5% 的公开 API 请求返回 503 错误，我们正在排查。',
  'One of our API clusters is overloaded after a failed deploy. We are rolling it back.':
    '一次失败的部署导致我们的一个 API 集群过载，我们正在回滚。',
  'Requests that fail with 503 can be retried safely; retrying after a second almost always succeeds. The dashboard and webhooks are not affected.':
    '返回 503 的请求可以放心重试，一秒后重试几乎总能成功。控制台和 Webhook 不受影响。',
  'Login service upgrade': '登录服务升级',
  'We are moving the login service to new servers. Sign-in may be unavailable for up to 10 minutes during the window; people already signed in stay signed in.':
    '我们将把登录服务迁移到新服务器。维护期间登录可能中断最多 10 分钟，已登录的用户不受影响。',
}

/** The text in every configured locale the demo has words for; a plain string otherwise. */
export function demoText(en: string, locales: LocaleSettings): LocalizedInput {
  const zh = ZH[en]
  if (locales.default !== 'en' || !locales.all.includes('zh-CN') || zh === undefined) return en
  return { en, 'zh-CN': zh }
}
