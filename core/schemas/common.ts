import { z } from 'zod'

/** Identifiers are 12 lowercase base-36 characters, as Statuspage's are. */
export const Id = z.string().regex(/^[0-9a-z]{12}$/, 'Expected a 12-character id')

/** ISO-8601 timestamp with an explicit offset; stored and returned in UTC with milliseconds. */
export const Timestamp = z.iso.datetime({ offset: true })

/** Markdown written by people: non-empty after trimming, bounded so one update cannot bloat pages. */
export const MarkdownBody = z.string().trim().min(1, 'Must not be empty').max(20_000)

export const Name = z.string().trim().min(1, 'Must not be empty').max(200)

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
