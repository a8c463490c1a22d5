/**
 * Knowledge data as pages receive it (app/transformers/policy_transformer.ts,
 * prompt_history_transformer.ts, agent_prompt_transformer.ts).
 */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const

export type Weekday = (typeof WEEKDAYS)[number]

/**
 * "HH:MM"; a closing time of "24:00" means midnight.
 */
export type TimeRange = { open: string; close: string }

export type WeeklyHours = Record<Weekday, TimeRange[]>

export type PolicyData = {
  id: string
  businessId: string
  shippingPolicy: string | null
  refundPolicy: string | null
  brandVoice: string | null
  allowedHours: WeeklyHours | null
  allowedHoursText: string | null
  allowedHoursReadAs: 'week' | 'text' | null
  hoursNote: string | null
  timezone: string
  faqs: { question: string; answer: string }[]
  createdAt: string
  updatedAt: string
}

export type PromptAuthor = { id: string; name: string } | null

export type PromptSource = 'default' | 'edit' | 'restore'

export type PromptVersionSummary = {
  id: string
  version: number
  createdAt: string
  author: PromptAuthor
  source: PromptSource
  restoredFromVersion: number | null
  isCurrent: boolean
  preview: string
}

export type PromptHistoryData = {
  id: string
  prompt: string
  version: number
  createdAt: string
  author: PromptAuthor
  source: PromptSource
  restoredFromVersion: number | null
  versions: PromptVersionSummary[]
}

export type PromptVersionData = {
  id: string
  version: number
  prompt: string
  createdAt: string
  author: PromptAuthor
  source: PromptSource
  restoredFromVersion: number | null
}
