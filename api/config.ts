import { z } from 'zod'
import { ChannelName, CHANNELS } from '../core/channels.ts'
import { DEFAULT_CREDIT_POLICY, parseCreditPolicy } from '../core/compensation.ts'
import type { LocaleSettings } from '../core/localized.ts'
import { Locale } from '../core/schemas/subscription.ts'
import { isLoopbackHttp } from '../core/urls.ts'

const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

// The demo's look: its own logo (relative to the repository, api/jobs/brand-files.node.ts finds
// it from any working directory), a brand colour, and both languages with the switch between them.
const DEMO_LOCALES: Locale[] = ['en', 'zh-CN']
const DEMO_BRAND = { color: '#5b3cc4', logoFile: 'api/seed/demo-logo.svg' }

const ConfigSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(
        /^(file|libsql|http|https|ws|wss):/,
        'Must start with file:, libsql:, http(s): or ws(s):',
      )
      .default('file:./data/amends.db'),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    SITE_URL: z.url().optional(),
    AMENDS_ADMIN_TOKEN: z
      .string()
      .min(24, 'Use at least 24 characters: it grants full control')
      .optional(),
    AMENDS_DEMO: Bool.default(true),
    PAGE_ID: z
      .string()
      .regex(/^[0-9a-z]{1,32}$/)
      .default('amends'),
    PAGE_NAME: z.string().min(1).max(100).default('Amends'),
    TIME_ZONE: z.string().min(1).default('Etc/UTC'),
    // The page's languages, the default first: every page is published per locale. Unset: `en`,
    // or `en,zh-CN` while AMENDS_DEMO is on (the demo shows the language switch).
    LOCALES: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined
        const tags = [
          ...new Set(
            v
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ]
        const bad = tags.filter((t) => !Locale.safeParse(t).success)
        if (bad.length || tags.length === 0) {
          ctx.addIssue({
            code: 'custom',
            message: `Unknown locale ${bad.join(', ') || '(none)'}: use ${Locale.options.join(', ')}`,
          })
          return z.NEVER
        }
        return tags as Locale[]
      }),
    // The page's brand (decision 010): files are copied into the published site, so the page
    // makes no third-party request.
    BRAND_COLOR: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #5b3cc4')
      .optional(),
    BRAND_LOGO: z.string().min(1).optional(),
    BRAND_FAVICON: z.string().min(1).optional(),
    BRAND_CSS: z.string().min(1).optional(),
    COMPANY_NAME: z.string().min(1).max(100).optional(),
    COMPANY_URL: z.url({ protocol: /^https?$/ }).optional(),
    SUPPORT_URL: z.url({ protocol: /^https?$/ }).optional(),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(65_536),
    SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
    PUBLIC_DIR: z.string().min(1).default('./data/public'),
    PUBLISH_POLL_MS: z.coerce.number().int().min(50).default(1_000),
    SIGNING_SECRET: z.string().min(32, 'Use at least 32 characters').optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'Must be smtp:// or smtps://')
      .optional(),
    MAIL_FROM: z.string().min(3).optional(),
    MAIL_SUBJECT_PREFIX: z.string().max(60).optional(),
    SUPPORT_EMAIL: z.email().optional(),
    SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
    DKIM_DOMAIN: z.string().min(1).optional(),
    DKIM_SELECTOR: z.string().min(1).optional(),
    DKIM_PRIVATE_KEY: z.string().min(1).optional(),
    NOTIFIER: z.enum(['on', 'off']).default('on'),
    NOTIFIER_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
    MAILBOX_DIR: z.string().min(1).default('./data/mailbox'),
    TRUST_PROXY: Bool.default(false),
    SUBSCRIBE_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
    CREDIT_POLICY: z
      .string()
      .default(DEFAULT_CREDIT_POLICY)
      .transform((text, ctx) => {
        try {
          return parseCreditPolicy(text)
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message })
          return z.NEVER
        }
      }),
    FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(60).default(3),
    MIN_NOTICE_HOURS: z.coerce.number().min(0).default(72),
    SLO_FIRST_UPDATE_MINUTES: z.coerce.number().int().min(1).default(15),
    SLO_UPDATE_GAP_MINUTES: z.coerce.number().int().min(1).default(60),
    SLO_POSTMORTEM_DAYS: z.coerce.number().int().min(1).default(5),
    ONCALL_EMAIL: z.email().optional(),
    REPORT_SPIKE_WINDOW_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(10),
    REPORT_SPIKE_MIN: z.coerce.number().int().min(2).max(10_000).default(5),
    REPORT_SPIKE_FACTOR: z.coerce.number().min(1).max(1_000).default(4),
    REPORT_BANNER: Bool.default(false),
    ONCALL_WEBHOOK_URL: z.url().optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_ALLOWED_DOMAINS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'Must be domain names, comma-separated'),
        ),
      )
      .optional(),
    OIDC_DEFAULT_ROLE: z.enum(['viewer', 'editor', 'admin']).default('viewer'),
    OIDC_LABEL: z.string().min(1).max(40).default('SSO'),
    SUBSCRIBE_CHANNELS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      )
      .pipe(z.array(ChannelName, 'Must be channels, comma-separated: ' + CHANNELS.join(', ')))
      .default([...CHANNELS]),
    OUTBOUND_ALLOW_PRIVATE: Bool.default(false),
    CHECK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
    CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    SMS_API_URL: z.url().default('https://api.twilio.com'),
    SMS_ACCOUNT_SID: z.string().min(1).optional(),
    SMS_AUTH_TOKEN: z.string().min(1).optional(),
    SMS_FROM: z.string().min(1).optional(),
    SMS_PER_NUMBER_PER_HOUR: z.coerce.number().int().min(1).default(10),
  })
  .superRefine((c, ctx) => {
    const set = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID].filter(Boolean).length
    if (set === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [c.OIDC_ISSUER ? 'OIDC_CLIENT_ID' : 'OIDC_ISSUER'],
        message:
          'Set OIDC_ISSUER and OIDC_CLIENT_ID together (and OIDC_CLIENT_SECRET for a confidential client)',
      })
    }
    // ID tokens and codes cross the network in the clear over http: only a loopback issuer may.
    if (c.OIDC_ISSUER && !c.OIDC_ISSUER.startsWith('https:') && !isLoopbackHttp(c.OIDC_ISSUER)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'Must be an https:// URL (http:// only for localhost or 127.0.0.1)',
      })
    }
  })
  .superRefine((c, ctx) => {
    const set = [c.SMS_ACCOUNT_SID, c.SMS_AUTH_TOKEN, c.SMS_FROM].filter(Boolean).length
    if (set > 0 && set < 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_ACCOUNT_SID'],
        message: 'Set SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM together',
      })
    }
  })
  .transform((c) => ({
    databaseUrl: c.DATABASE_URL,
    databaseAuthToken: c.DATABASE_AUTH_TOKEN,
    port: c.PORT,
    host: c.HOST,
    siteUrl: (c.SITE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    adminToken: c.AMENDS_ADMIN_TOKEN,
    demo: c.AMENDS_DEMO,
    page: { id: c.PAGE_ID, name: c.PAGE_NAME, timeZone: c.TIME_ZONE },
    locales: localesOf(c.LOCALES ?? (c.AMENDS_DEMO ? DEMO_LOCALES : ['en'])),
    brand: {
      // The demo shows what branding looks like; any BRAND_* set wins.
      color: c.BRAND_COLOR ?? (c.AMENDS_DEMO ? DEMO_BRAND.color : null),
      /** Paths of files to publish as the logo, favicon and extra stylesheet. */
      logoFile: c.BRAND_LOGO ?? (c.AMENDS_DEMO ? DEMO_BRAND.logoFile : null),
      faviconFile: c.BRAND_FAVICON ?? null,
      cssFile: c.BRAND_CSS ?? null,
      companyName: c.COMPANY_NAME ?? null,
      companyUrl: c.COMPANY_URL ?? null,
      supportUrl: c.SUPPORT_URL ?? null,
    },
    maxBodyBytes: c.MAX_BODY_BYTES,
    schedulerIntervalMs: c.SCHEDULER_INTERVAL_MS,
    publicDir: c.PUBLIC_DIR,
    /** Believe X-Forwarded-For / CF-Connecting-IP (only behind a proxy that sets them). */
    trustProxy: c.TRUST_PROXY,
    subscribePerIpPerHour: c.SUBSCRIBE_PER_IP_PER_HOUR,
    recovery: {
      creditPolicy: c.CREDIT_POLICY,
      followUpDays: c.FOLLOW_UP_DAYS,
      minNoticeHours: c.MIN_NOTICE_HOURS,
      slo: {
        firstUpdateMinutes: c.SLO_FIRST_UPDATE_MINUTES,
        updateGapMinutes: c.SLO_UPDATE_GAP_MINUTES,
        postmortemDays: c.SLO_POSTMORTEM_DAYS,
      },
      oncallEmail: c.ONCALL_EMAIL,
      oncallWebhookUrl: c.ONCALL_WEBHOOK_URL,
    },
    /**
     * Customer reports as a signal: REPORT_SPIKE_MIN reports about one component within the window,
     * and REPORT_SPIKE_FACTOR times its usual rate (the week before), open a draft.
     */
    reportSpikes: {
      windowMinutes: c.REPORT_SPIKE_WINDOW_MINUTES,
      min: c.REPORT_SPIKE_MIN,
      factor: c.REPORT_SPIKE_FACTOR,
      /** The public page says "we're looking into reports" while such a draft is open. */
      banner: c.REPORT_BANNER,
    },
    /** OpenID Connect sign-in, when an issuer and client are configured. */
    oidc:
      c.OIDC_ISSUER && c.OIDC_CLIENT_ID
        ? {
            issuer: c.OIDC_ISSUER,
            clientId: c.OIDC_CLIENT_ID,
            clientSecret: c.OIDC_CLIENT_SECRET,
            /** People with a verified address in these domains get an account on first sign-in. */
            allowedDomains: c.OIDC_ALLOWED_DOMAINS ?? [],
            defaultRole: c.OIDC_DEFAULT_ROLE,
            /** The button says "Sign in with <label>". */
            label: c.OIDC_LABEL,
          }
        : undefined,
    publishPollMs: c.PUBLISH_POLL_MS,
    signingSecret: c.SIGNING_SECRET,
    /** The channels people may subscribe with (sms also needs a provider: `sms` below). */
    channels: c.SUBSCRIBE_CHANNELS,
    /**
     * Calls to URLs people typed (webhooks, chat): https to public addresses only, unless this is
     * set (http, private and loopback addresses: for tests and private networks).
     */
    outbound: { allowPrivate: c.OUTBOUND_ALLOW_PRIVATE },
    /** Checks Amends runs: results kept this many days; at most this many probes at once. */
    checks: { retentionDays: c.CHECK_RETENTION_DAYS, concurrency: c.CHECK_CONCURRENCY },
    /** A Twilio-compatible SMS provider, when configured. */
    sms:
      c.SMS_ACCOUNT_SID && c.SMS_AUTH_TOKEN && c.SMS_FROM
        ? {
            apiUrl: c.SMS_API_URL.replace(/\/+$/, ''),
            accountSid: c.SMS_ACCOUNT_SID,
            authToken: c.SMS_AUTH_TOKEN,
            from: c.SMS_FROM,
            perNumberPerHour: c.SMS_PER_NUMBER_PER_HOUR,
          }
        : undefined,
    mail: {
      smtpUrl: c.SMTP_URL,
      from: c.MAIL_FROM ?? `${c.PAGE_NAME} <status@${hostOf(c.SITE_URL ?? 'http://localhost')}>`,
      subjectPrefix: c.MAIL_SUBJECT_PREFIX ?? `[${c.PAGE_NAME}]`,
      /** Where customers' answers to our mail about their reports go (Reply-To), when set. */
      supportEmail: c.SUPPORT_EMAIL,
      poolSize: c.SMTP_POOL_SIZE,
      dkim:
        c.DKIM_DOMAIN && c.DKIM_SELECTOR && c.DKIM_PRIVATE_KEY
          ? {
              domainName: c.DKIM_DOMAIN,
              keySelector: c.DKIM_SELECTOR,
              privateKey: c.DKIM_PRIVATE_KEY,
            }
          : undefined,
      notifier: c.NOTIFIER === 'on',
      /** Notifier threads in the server, each with its own connection (they share the leases). */
      notifierWorkers: c.NOTIFIER_WORKERS,
      mailboxDir: c.MAILBOX_DIR,
    },
  }))

/** The host name of a URL (for Message-IDs, the default From), `localhost` when there is none. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost'
  } catch {
    return 'localhost'
  }
}

export type Config = z.output<typeof ConfigSchema>

function localesOf(all: Locale[]): LocaleSettings {
  return { default: all[0]!, all }
}

export class ConfigError extends Error {}

/** Parses the environment once; on failure lists every bad variable, not just the first. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  )
  const result = ConfigSchema.safeParse(present)
  if (result.success) return result.data
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

/** The page as every email names it: the same three facts for updates, previews and digests. */
export function mailPage(c: Config): { name: string; url: string; timeZone: string } {
  return { name: c.page.name, url: c.siteUrl, timeZone: c.page.timeZone }
}
