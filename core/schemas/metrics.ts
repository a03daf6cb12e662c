import { z } from 'zod'

// What GET /api/v1/metrics/communication returns; the rules behind each figure are in
// core/communication-slo.ts. Durations are seconds; a rate is a fraction (0..1), null when
// nothing could be measured.

const Seconds = z.number().min(0)
const Rate = z.number().min(0).max(1).nullable()
const Instant = z.string().meta({ description: 'ISO-8601 instant, UTC' })

export const FirstMessageState = z.enum([
  'measured',
  'opened_at_impact_start',
  'ahead_of_impact',
  'waiting',
  'never',
])

export const FirstMessage = z
  .object({
    state: FirstMessageState.meta({
      description:
        '`measured`: impact start was backdated, the figure is real; `opened_at_impact_start`: the start was not backdated, so the figure would be 0 by construction and is not counted; `ahead_of_impact`: the first message came before the impact started (counted as 0, on time); `waiting`: no public message yet; `never`: resolved without one',
    }),
    at: Instant.nullable().meta({ description: 'The first public message' }),
    seconds: Seconds.nullable().meta({
      description:
        'From impact start to the first public message (while `waiting`, the silence so far); null when not measured',
    }),
    met: z.boolean().nullable().meta({ description: 'null: not measured, or still in time' }),
  })
  .meta({ id: 'FirstMessage' })

export const UpdateGap = z
  .object({
    from: Instant,
    to: Instant.nullable().meta({ description: 'null: the silence is still running' }),
    seconds: Seconds,
    due_at: Instant.meta({ description: 'When the next update was promised by' }),
    late: z.boolean(),
  })
  .meta({ id: 'UpdateGap' })

export const PostmortemState = z.enum([
  'not_required',
  'awaiting_resolution',
  'due',
  'late',
  'on_time',
  'published_late',
])

export const PostmortemClock = z
  .object({
    required: z.boolean(),
    state: PostmortemState,
    due_at: Instant.nullable(),
    published_at: Instant.nullable(),
    seconds: Seconds.nullable().meta({
      description: 'Resolved → published; while unpublished, the delay so far',
    }),
  })
  .meta({ id: 'PostmortemClock' })

export const ReportState = z.enum([
  'within_2h',
  'within_24h',
  'after_24h',
  'open',
  'late',
  'overdue',
  'closed_unanswered',
])

export const ReportResponse = z
  .object({
    state: ReportState.meta({
      description:
        'Answered `within_2h`, `within_24h` or `after_24h`; unanswered `open` (under 2 h), `late` (over 2 h), `overdue` (over 24 h); `closed_unanswered`: closed without a reply',
    }),
    seconds: Seconds.nullable().meta({
      description: 'Received → first reply; while unanswered, the wait so far',
    }),
  })
  .meta({ id: 'ReportResponse' })

export const IncidentCommunication = z
  .object({
    first_message: FirstMessage,
    gaps: z.array(UpdateGap).meta({
      description:
        'Each silence between public updates, the running one last while unresolved; a silence after a resolution (before a reopening) promised nothing and is left out',
    }),
    longest_gap_s: Seconds,
    broken_promises: z.number().int().min(0).meta({ description: 'Gaps longer than promised' }),
    next_update_due_at: Instant.nullable(),
    time_to_resolve_s: Seconds.nullable(),
    postmortem: PostmortemClock,
  })
  .meta({ id: 'IncidentCommunication' })

export const CommunicationSummary = z
  .object({
    incidents: z.number().int(),
    first_message: z.object({
      measured: z.number().int().meta({ description: 'Backdated starts (and messages ahead)' }),
      not_measured: z.number().int().meta({ description: 'Opened at impact start' }),
      pending: z.number().int().meta({ description: 'No message yet, still within the target' }),
      on_time: z.number().int(),
      late: z.number().int(),
      median_s: Seconds.nullable().meta({ description: 'Over the measured incidents only' }),
      on_time_rate: Rate,
    }),
    cadence: z.object({
      gaps: z.number().int(),
      kept: z.number().int(),
      broken: z.number().int(),
      incidents_with_broken_promises: z.number().int(),
      median_gap_s: Seconds.nullable(),
      longest_gap_s: Seconds.nullable(),
      kept_rate: Rate.meta({
        description: 'Kept over kept + broken (a running gap in time is neither)',
      }),
    }),
    postmortems: z.object({
      required: z.number().int(),
      on_time: z.number().int(),
      published_late: z.number().int(),
      due: z.number().int(),
      late: z.number().int(),
      awaiting_resolution: z.number().int(),
      median_delay_s: Seconds.nullable().meta({ description: 'Published ones' }),
      on_time_rate: Rate.meta({ description: 'On time over on time + published late + late' }),
    }),
    reports: z.object({
      received: z.number().int(),
      answered: z.number().int(),
      within_2h: z.number().int(),
      within_24h: z.number().int().meta({ description: 'After 2 h, within 24 h' }),
      after_24h: z.number().int(),
      open: z.number().int(),
      late: z.number().int(),
      overdue: z.number().int(),
      closed_unanswered: z.number().int(),
      median_first_response_s: Seconds.nullable(),
      within_2h_rate: Rate.meta({
        description: 'Answered within 2 h over answered + unanswered older than 2 h',
      }),
      within_24h_rate: Rate.meta({
        description: 'Answered within 24 h over answered + unanswered older than 24 h',
      }),
    }),
    median_time_to_resolve_s: Seconds.nullable(),
  })
  .meta({ id: 'CommunicationSummary' })

export const DraftTimingRow = z
  .object({
    id: z.string(),
    state: z.enum(['open', 'published', 'dismissed']),
    origin: z.enum(['alert', 'check', 'reports']),
    component_id: z.string().nullable(),
    first_signal_at: Instant,
    incident_id: z.string().nullable(),
    first_public_at: Instant.nullable().meta({
      description: "The published incident's first public update",
    }),
    seconds: Seconds.nullable().meta({
      description: 'First signal → first public message; null unless published',
    }),
    dismissed_at: Instant.nullable(),
    dismissed_reason: z.string().nullable(),
  })
  .meta({ id: 'DraftTimingRow' })

export const SignalToMessage = z
  .object({
    drafts: z.number().int().meta({ description: 'Drafts whose first signal is in the window' }),
    published: z.number().int(),
    median_s: Seconds.nullable().meta({
      description: 'First signal → first public message, over the published drafts',
    }),
    p90_s: Seconds.nullable().meta({ description: 'Nearest-rank 90th percentile of the same' }),
    dismissed: z.number().int().meta({ description: 'Counted apart: no public message' }),
    dismissed_median_s: Seconds.nullable().meta({ description: 'First signal → dismissal' }),
    open: z.number().int().meta({ description: 'Still waiting for a decision' }),
  })
  .meta({ id: 'SignalToMessage' })

// The first version's flat names, kept for existing clients with the same (now honest) figures.
const old = (description: string) => ({ deprecated: true, description })

export const CommunicationTargets = z.object({
  first_update_minutes: z.number(),
  update_gap_minutes: z.number(),
  postmortem_days: z.number(),
  feedback_goal_s: z.number(),
  feedback_limit_s: z.number(),
})

export const IncidentCommunicationRow = IncidentCommunication.extend({
  id: z.string(),
  name: z.string(),
  impact: z.string(),
  status: z.string(),
  started_at: Instant.meta({ description: 'Start of impact (may be backdated)' }),
  created_at: Instant,
  resolved_at: Instant.nullable(),
  apology: z.boolean(),
  postmortem_published_at: Instant.nullable(),
  follow_up_all_good: z.number().int(),
  follow_up_still_affected: z.number().int(),
  time_to_first_update_s: Seconds.nullable().meta(old('`first_message.seconds`')),
  first_update_met: z.boolean().nullable().meta(old('`first_message.met`')),
  cadence_met: z.boolean().meta(old('`broken_promises` is 0')),
  postmortem_required: z.boolean().meta(old('`postmortem.required`')),
  postmortem_due_at: Instant.nullable().meta(old('`postmortem.due_at`')),
  postmortem_met: z.boolean().nullable().meta(old('`postmortem.state`: on_time, or late')),
}).meta({ id: 'IncidentCommunicationRow' })

export const ReportResponseRow = z
  .object({
    id: z.string(),
    incident_id: z.string().nullable(),
    incident_name: z.string().nullable(),
    source: z.string(),
    status: z.string(),
    created_at: Instant,
    first_answered_at: Instant.nullable(),
    response: ReportResponse,
  })
  .meta({ id: 'ReportResponseRow' })

export const CommunicationWindow = CommunicationSummary.extend({
  median_time_to_first_update_s: Seconds.nullable().meta(old('`first_message.median_s`')),
  first_update_met_rate: Rate.meta(old('`first_message.on_time_rate`')),
  median_longest_gap_s: Seconds.nullable().meta(old('Median of the incidents’ longest gaps')),
  cadence_met_rate: Rate.meta(old('Share of incidents with gaps and no broken promise')),
  postmortems_due: z.number().int().meta(old('Post-mortems on time, published late or late')),
  postmortems_on_time: z.number().int().meta(old('`postmortems.on_time`')),
  apologies_given: z.number().int(),
  resolved_without_apology: z.number().int(),
  follow_up: z.object({ all_good: z.number().int(), still_affected: z.number().int() }),
  feedback: z
    .object({
      received: z.number().int(),
      answered: z.number().int(),
      median_first_response_s: Seconds.nullable(),
      within_2h: z.number().int(),
      within_24h: z.number().int().meta({ description: 'Within 24 h, those within 2 h included' }),
      overdue: z.number().int(),
    })
    .meta(old('`reports`')),
  signal_to_message: SignalToMessage.meta({
    description:
      'The headline: from the first signal (alert, check, report spike) to the first public message',
  }),
}).meta({ id: 'CommunicationWindow' })

export const CommunicationMetrics = z
  .object({
    generated_at: Instant,
    targets: CommunicationTargets,
    rolling: z.object({ '30d': CommunicationWindow, '90d': CommunicationWindow }),
    incidents: z.array(IncidentCommunicationRow).meta({
      description: 'Incidents that started in the last 90 days, newest first',
    }),
    reports: z.array(ReportResponseRow).meta({
      description: 'Reports received in the last 90 days, newest first',
    }),
    drafts: z.array(DraftTimingRow).meta({
      description: 'Drafts whose first signal came in the last 90 days, newest first',
    }),
  })
  .meta({ id: 'CommunicationMetrics' })

export const IncidentCommunicationMetrics = z
  .object({
    generated_at: Instant,
    targets: CommunicationTargets,
    incident: IncidentCommunicationRow,
    reports: z.array(ReportResponseRow).meta({ description: 'Reports about this incident' }),
    summary: CommunicationSummary.shape.reports,
  })
  .meta({ id: 'IncidentCommunicationMetrics' })
