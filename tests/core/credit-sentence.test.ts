import { describe, expect, it } from 'vitest'
import { creditFacts } from '../../core/compensation.ts'
import { en } from '../../templates/locales/en.ts'
import { zhCN } from '../../templates/locales/zh-CN.ts'

const SHANGHAI = 'Asia/Shanghai'

describe('the credit sentence in every language', () => {
  it('names the downtime only from a whole minute on, in English and in Chinese', () => {
    const downs = [0, 0.3, 1, 29, 29.99, 30, 59, 89, 90, 3599, 11_520, 172_800, 180_000]
    const addedAts = [null, '2026-03-12T09:00:00.000Z', '2026-03-31T16:30:00.000Z']
    const out = downs.flatMap((down) =>
      addedAts.flatMap((added) =>
        [en, zhCN].map((t) => ({
          down,
          text: t.credit(
            { component_name: 'Search', down_seconds: down, added_at: added },
            25,
            SHANGHAI,
          ),
        })),
      ),
    )
    expect(out).toHaveLength(78)
    // "0 min" / "0 分钟" is never said, in any variant.
    expect(out.filter((x) => /(^|\D)0 (min|分钟)/.test(x.text))).toEqual([])
    for (const x of out) {
      const named = creditFacts({ component_name: 'Search', down_seconds: x.down, added_at: null })
      expect(/unavailable for|累计不可用/.test(x.text)).toBe(named.down_ms !== null)
    }
  })

  it('says it in Chinese with the page zone’s date and the same rounding as the English', () => {
    const c = { component_name: 'Payments API', down_seconds: 192 * 60, added_at: null }
    expect(zhCN.credit(c, 10, SHANGHAI)).toBe(
      '由于 Payments API 本月累计不可用 3 小时 12 分钟，您的账户将获得 10% 的服务抵扣。',
    )
    expect(en.credit(c, 10, SHANGHAI)).toBe(
      'Because Payments API was unavailable for 3 h 12 min this month, your account receives a 10% service credit.',
    )
    expect(zhCN.credit({ ...c, down_seconds: 2 * 86_400 + 4 * 3600 }, 100, SHANGHAI)).toContain(
      '累计不可用 2 天 4 小时',
    )
    // 16:30 UTC on 31 March is already 1 April in Shanghai.
    const added = {
      component_name: 'Search',
      down_seconds: 1,
      added_at: '2026-03-31T16:30:00.000Z',
    }
    expect(zhCN.credit(added, 25, SHANGHAI)).toBe(
      '由于 Search 自 2026年4月1日 添加以来出现的服务中断，您的账户将获得 25% 的服务抵扣。',
    )
    expect(zhCN.credit(added, 25, 'UTC')).toContain('自 2026年3月31日 添加以来')
  })
})
