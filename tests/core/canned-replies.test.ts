import { describe, expect, it } from 'vitest'
import { CANNED_REPLIES, uneditedCanned, wordsOf } from '../../core/canned-replies.ts'
import { EDITED, UNEDITED } from '../fixtures/canned-variants.ts'

describe('an unedited canned reply', () => {
  it('is found however it is spaced, cased, punctuated or encoded', () => {
    let tried = 0
    const missed: string[] = []
    for (const canned of CANNED_REPLIES) {
      for (const [name, vary] of UNEDITED) {
        tried++
        if (uneditedCanned(vary(canned.body))?.id !== canned.id)
          missed.push(`${canned.id}: ${name}`)
      }
    }
    // 24 variants x 3 templates: 0 got through.
    expect(tried).toBe(UNEDITED.length * CANNED_REPLIES.length)
    expect(missed).toEqual([])
  })

  it('is not what a reply made to fit the reader is', () => {
    const refused: string[] = []
    for (const canned of CANNED_REPLIES) {
      for (const [name, vary] of EDITED) {
        if (uneditedCanned(vary(canned.body))) refused.push(`${canned.id}: ${name}`)
      }
    }
    expect(refused).toEqual([])
    expect(uneditedCanned('Fixed, thanks for waiting.')).toBeNull()
    expect(uneditedCanned('')).toBeNull()
  })

  it('compares words: letters and digits of any script, whatever is between them', () => {
    expect(wordsOf('  Fixed — please\r\ntry AGAIN!! ')).toBe('fixed please try again')
    expect(wordsOf('结账 已经 修好了。')).toBe('结账 已经 修好了')
    expect(wordsOf('ﬁxed')).toBe('fixed')
    expect(wordsOf('**')).toBe('')
  })
})
