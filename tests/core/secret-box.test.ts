import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../api/config.ts'
import type { Deps } from '../../api/deps.ts'
import { createSecretOpener } from '../../api/services/secret-box.node.ts'
import { newWebhookSecret, openSecret, sealSecret } from '../../api/services/secret-box.ts'

const depsWith = (signingSecret: string) =>
  ({
    config: parseConfig({ SITE_URL: 'https://status.example.com', SIGNING_SECRET: signingSecret }),
    db: {},
  }) as unknown as Deps

describe('the sealed-secret opener of the notifier (node:crypto)', () => {
  it('opens exactly what sealSecret sealed, as openSecret does', async () => {
    const deps = depsWith('s'.repeat(40))
    const open = createSecretOpener(deps)
    const plains = [
      ...Array.from({ length: 20 }, () => newWebhookSecret()),
      '',
      'x',
      'ünïcödé 支付 🚨',
      'y'.repeat(5000),
    ]
    for (const plain of plains) {
      const sealed = await sealSecret(deps, plain)
      expect(await open(sealed)).toBe(plain)
      expect(await openSecret(deps, sealed)).toBe(plain)
    }
  })

  it('refuses a sealed text altered, truncated, or sealed under another signing secret', async () => {
    const deps = depsWith('s'.repeat(40))
    const open = createSecretOpener(deps)
    const sealed = await sealSecret(deps, newWebhookSecret())
    const [v, iv, ct] = sealed.split('.') as [string, string, string]
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1)
    const variants = [
      `${v}.${iv}.${flip(ct)}`,
      `${v}.${flip(iv)}.${ct}`,
      `${v}.${iv}.${ct.slice(0, -4)}`,
      `${v}.${iv}.`,
      `v2.${iv}.${ct}`,
      'not sealed',
      await sealSecret(depsWith('t'.repeat(40)), newWebhookSecret()),
    ]
    for (const bad of variants) await expect(open(bad), bad).rejects.toThrow()
  })
})
