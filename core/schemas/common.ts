import { z } from 'zod'
import { userText } from './text.ts'

/** Identifiers are 12 lowercase base-36 characters, as Statuspage's are. */
export const Id = z.string().regex(/^[0-9a-z]{12}$/, 'Expected a 12-character id')

const EARLIEST = Date.UTC(1970, 0, 1)
const LATEST = Date.UTC(2101, 0, 1) - 1

/**
 * ISO-8601 timestamp with an explicit offset; stored and returned in UTC with milliseconds. The
 * instant must fall in 1970-01-01 .. 2100-12-31 (UTC): year 0000 or 9999 is always a typo, and
 * would make durations, uptime and credit months absurd.
 */
export const Timestamp = z.iso.datetime({ offset: true }).refine((s) => {
  const t = Date.parse(s)
  return t >= EARLIEST && t <= LATEST
}, 'Must be between 1970-01-01 and 2100-12-31')

/** Markdown written by people: non-empty after trimming, bounded so one update cannot bloat pages. */
export const MarkdownBody = userText().min(1, 'Must not be empty').max(20_000)

/** A name is one line: it becomes a page title, a feed title and an email subject. */
export const Name = userText({ singleLine: true }).min(1, 'Must not be empty').max(200)

export const Pagination = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
})
export type Pagination = z.infer<typeof Pagination>

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' })
export type ErrorBody = z.infer<typeof ErrorBody>

export const Warning = z.object({ code: z.string(), message: z.string() })
export type Warning = z.infer<typeof Warning>
