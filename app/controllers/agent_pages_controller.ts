import { readFile } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import AgentRun from '#models/agent_run'
import BusinessPolicy from '#policies/business_policy'
import UserError from '#exceptions/user_error'
import { AgentContext, type PlaygroundEntry } from '#services/agent/agent_context'
import { AgentTurn, splitReply } from '#services/agent/agent_turn'
import { AgentUsage } from '#services/agent/agent_usage'
import { ModelKeyRejectedError, ModelUnavailableError } from '#services/agent/agent_errors'
import { estimateCost } from '#services/agent/pricing'
import MediaStorage, { MAX_IMAGE_BYTES } from '#services/media_storage'
import { botSettingsValidator, playgroundValidator } from '#validators/agent'
import { Transcriber, transcriptionCost } from '#services/agent/transcriber'
import { decodeImage, sniffAudio, sniffImage } from '#services/media_storage'
import agentConfig from '#config/agent'
import type { MultipartFile } from '@adonisjs/core/bodyparser'

/**
 * The owner's side of the agent: trying it (playground), what it costs
 * (usage), and its timing and budget settings.
 */
export default class AgentPagesController {
  async playground({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return inertia.render('agent/playground', {
      businessName: business.name,
      hasOpenaiKey: business.hasOpenaiKey,
      model: business.openaiModel,
      currency: business.currency,
    })
  }

  /**
   * One turn with the real prompt, policies, catalog and key; nothing is
   * sent to WhatsApp. Photos the agent would send are shown instead.
   * The newest message may bring a file (multipart, `file`, with
   * `messages` as JSON): a voice note, transcribed as a customer's would
   * be, or a photo, which the model sees and the catalog matcher looks
   * at. The page keeps what came of it (`customer`) for the next turns.
   */
  @inject()
  async playgroundTurn(
    { request, business, bouncer }: HttpContext,
    turn: AgentTurn,
    context: AgentContext,
    storage: MediaStorage,
    transcriber: Transcriber
  ) {
    await bouncer.with(BusinessPolicy).authorize('useAgentApi', business)
    const multipart = request.is(['multipart']) !== null
    const { messages } = await request.validateUsing(playgroundValidator, {
      data: {
        messages: multipart ? parseJson(request.input('messages')) : request.input('messages'),
      },
    })
    if (!business.hasOpenaiKey) {
      throw new UserError('agent_ui.errors.no_key', { status: 409 })
    }
    const attachment = multipart ? await playgroundAttachment(request.file('file')) : null
    const entries: PlaygroundEntry[] = messages.map((message) => ({
      ...message,
      text: message.text ?? '',
    }))
    const newest = entries[entries.length - 1]
    if (attachment && newest.role !== 'customer') {
      throw new UserError('agent_ui.errors.file_not_last', { field: 'file' })
    }
    if (attachment) newest.media = attachment.kind === 'audio' ? 'voice_note' : 'photo'
    if (attachment?.kind === 'audio' && !business.understandMedia) {
      throw new UserError('agent_ui.errors.media_off', { status: 409, field: 'file' })
    }
    const wordless = entries.findIndex((entry) => !entry.text && entry.media !== 'photo')
    if (wordless !== -1 && !(attachment?.kind === 'audio' && wordless === entries.length - 1)) {
      throw new UserError('agent_ui.errors.empty_message', { field: `messages.${wordless}.text` })
    }

    const run = await AgentRun.create({
      businessId: business.id,
      conversationId: null,
      source: 'playground',
      model: business.openaiModel,
      outcome: 'running',
      toolCalls: [],
      triggerMessageIds: [],
    })
    const images: {
      productId: string
      title: string
      url: string | null
      caption: string | null
    }[] = []
    let transcription: { seconds: number; costUsd: string } | null = null

    try {
      if (attachment?.kind === 'audio') {
        const heard = await transcriber.transcribe(business, {
          bytes: attachment.bytes,
          mimetype: attachment.mimetype,
          fileName: `playground.${attachment.extension}`,
        })
        const seconds = Math.max(
          1,
          Math.round(heard.seconds ?? attachment.bytes.byteLength / OPUS_BYTES_PER_SECOND)
        )
        transcription = {
          seconds,
          costUsd: transcriptionCost(business.transcriptionModel, seconds),
        }
        newest.text = heard.text
      }
      const { transcript, match } = await context.playgroundTranscript(
        business,
        entries,
        attachment?.kind === 'image' ? attachment.bytes : undefined
      )
      const system = await context.system(business)
      const result = await turn.run(business, context.messages(system, transcript), {
        business,
        sendProductImage: async (product, caption) => {
          images.push({
            productId: product.id,
            title: product.title,
            url: await storage.urlFor(product.imageKey),
            caption,
          })
          return { sent: true }
        },
        handoff: async () => {},
      })
      const costUsd = addCosts(
        estimateCost(
          business.openaiModel,
          result.usage.promptTokens,
          result.usage.completionTokens
        ),
        transcription?.costUsd ?? null
      )
      run.merge({
        outcome: 'replied',
        reply: result.reply,
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        costUsd,
        latencyMs: result.latencyMs,
        modelCalls: result.modelCalls,
        toolCalls: result.toolCalls,
        finishedAt: DateTime.now(),
      })
      await run.save()
      return {
        parts: result.reply ? splitReply(result.reply) : [],
        toolCalls: result.toolCalls,
        usage: result.usage,
        costUsd,
        latencyMs: result.latencyMs,
        images,
        customer: {
          text: newest.text,
          media: newest.media ?? null,
          match: attachment?.kind === 'image' ? match : (newest.match ?? null),
          transcription,
        },
      }
    } catch (error) {
      const rejected = error instanceof ModelKeyRejectedError
      run.merge({
        outcome: 'failed',
        reason: rejected ? 'api_key_rejected' : 'model_unavailable',
        ...(transcription ? { costUsd: transcription.costUsd } : {}),
        finishedAt: DateTime.now(),
      })
      await run.save()
      if (rejected) throw new UserError('agent_ui.errors.key_rejected', { status: 422 })
      if (error instanceof ModelUnavailableError) {
        throw new UserError(
          transcription || attachment?.kind !== 'audio'
            ? 'agent_ui.errors.model_unavailable'
            : 'agent_ui.errors.transcription_failed',
          { status: 503 }
        )
      }
      throw error
    }
  }

  @inject()
  async usage({ inertia, business, bouncer }: HttpContext, usage: AgentUsage) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const zone = business.timezone
    const since = DateTime.now().setZone(zone).startOf('day').minus({ days: 29 })

    const days = await business
      .related('agentRuns')
      .query()
      .where('created_at', '>=', since.toJSDate())
      .select(
        db.raw(`to_char(created_at AT TIME ZONE ?, 'YYYY-MM-DD') AS day`, [zone]),
        db.raw('SUM(prompt_tokens)::int AS prompt_tokens'),
        db.raw('SUM(completion_tokens)::int AS completion_tokens'),
        db.raw('SUM(cost_usd)::text AS cost_usd'),
        db.raw(`COUNT(*) FILTER (WHERE outcome = 'replied')::int AS replies`)
      )
      .groupByRaw('1')
      .orderByRaw('1 DESC')
      .pojo<Row>()

    /**
     * Voice notes transcribed: minutes and cost, by day and by
     * conversation, counted in each total.
     */
    const audioDays = await business
      .related('messages')
      .query()
      .where('created_at', '>=', since.toJSDate())
      .whereNotNull('transcript_cost_usd')
      .select(
        db.raw(`to_char(created_at AT TIME ZONE ?, 'YYYY-MM-DD') AS day`, [zone]),
        db.raw('SUM(transcript_seconds)::int AS seconds'),
        db.raw('SUM(transcript_cost_usd)::text AS cost_usd')
      )
      .groupByRaw('1')
      .pojo<Row>()
    const audioByDay = new Map(audioDays.map((row) => [row.day as string, row]))
    const allDays = [...new Set([...days.map((row) => row.day), ...audioByDay.keys()])]
      .sort()
      .reverse()
    const byDay = new Map(days.map((row) => [row.day as string, row]))

    const monthStart = DateTime.now().setZone(zone).startOf('month')
    const audioConversations = await business
      .related('messages')
      .query()
      .where('created_at', '>=', monthStart.toJSDate())
      .whereNotNull('transcript_cost_usd')
      .select('conversation_id', db.raw('SUM(transcript_cost_usd)::text AS cost_usd'))
      .groupBy('conversation_id')
      .pojo<Row>()
    const audioByConversation = new Map(
      audioConversations.map((row) => [row.conversation_id as string, row.cost_usd as string])
    )
    /**
     * The month's runs through the business's relation, as a subquery:
     * joined to conversations and contacts, an unqualified business_id
     * would be ambiguous.
     */
    const monthRuns = business
      .related('agentRuns')
      .query()
      .where('created_at', '>=', monthStart.toJSDate())
      .as('agent_runs')
    const conversations = await db
      .from(monthRuns)
      .join('conversations', 'conversations.id', 'agent_runs.conversation_id')
      .join('contacts', 'contacts.id', 'conversations.contact_id')
      .select(
        'conversations.id',
        db.raw(
          'COALESCE(contacts.name, contacts.push_name, contacts.phone, contacts.wa_jid) AS contact'
        ),
        db.raw('COUNT(*)::int AS runs'),
        db.raw('SUM(prompt_tokens + completion_tokens)::int AS tokens'),
        db.raw('SUM(cost_usd)::text AS cost_usd')
      )
      .groupBy(
        'conversations.id',
        'contacts.name',
        'contacts.push_name',
        'contacts.phone',
        'contacts.wa_jid'
      )
      .orderByRaw('SUM(cost_usd) DESC')
      .limit(20)

    const runs = await business.related('agentRuns').query().orderBy('created_at', 'desc').limit(30)

    return inertia.render('agent/usage', {
      spentThisMonth: await usage.spentThisMonth(business),
      settings: { monthlyBudgetUsd: business.monthlyBudgetUsd },
      botBlockedReason: business.botBlockedReason,
      days: allDays.map((day) => {
        const run = byDay.get(day)
        const audio = audioByDay.get(day)
        return {
          day,
          prompt_tokens: run?.prompt_tokens ?? 0,
          completion_tokens: run?.completion_tokens ?? 0,
          replies: run?.replies ?? 0,
          audio_minutes: Math.round(((audio?.seconds ?? 0) / 60) * 10) / 10,
          cost_usd: (Number(run?.cost_usd ?? 0) + Number(audio?.cost_usd ?? 0)).toFixed(6),
        }
      }),
      conversations: conversations.map((row) => ({
        ...row,
        cost_usd: (Number(row.cost_usd) + Number(audioByConversation.get(row.id) ?? 0)).toFixed(6),
      })),
      runs: runs.map((run) => ({
        id: run.id,
        source: run.source,
        outcome: run.outcome,
        reason: run.reason,
        model: run.model,
        promptTokens: run.promptTokens,
        completionTokens: run.completionTokens,
        costUsd: run.costUsd,
        latencyMs: run.latencyMs,
        tools: (run.toolCalls ?? []).map((call) => call.name),
        heldBack: run.heldBack ?? [],
        createdAt: run.createdAt.toISO()!,
      })),
    })
  }

  @inject()
  async updateSettings(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    usage: AgentUsage
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(botSettingsValidator)
    business.replyDelaySeconds = payload.replyDelaySeconds
    business.takeoverMinutes = payload.takeoverMinutes
    business.monthlyBudgetUsd = payload.monthlyBudgetUsd ?? null
    if (business.botBlockedReason === 'budget_reached' && !(await usage.budgetReached(business))) {
      business.botBlockedReason = null
      business.botBlockedAt = null
    }
    await business.save()
    session.flash('success', i18n.t('agent_ui.settings.saved'))
    return response.redirect().back()
  }
}

/**
 * Opus voice notes are about 16 kbit/s: a length from a size, when the
 * provider does not say.
 */
const OPUS_BYTES_PER_SECOND = 2_000

/**
 * The largest audio tried in the playground: the multipart body's limit.
 */
const PLAYGROUND_AUDIO_BYTES = 20 * 1024 * 1024

function parseJson(value: unknown) {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

function addCosts(chat: string, transcription: string | null) {
  return transcription ? (Number(chat) + Number(transcription)).toFixed(6) : chat
}

/**
 * The file tried in the playground, known by its bytes: a photo (JPEG,
 * PNG, WebP) or an audio file in one of the transcription endpoint's
 * formats, within their limits.
 */
async function playgroundAttachment(file: MultipartFile | null) {
  if (!file) return null
  if (!file.tmpPath) throw new UserError('agent_ui.errors.not_media', { field: 'file' })
  const bytes = await readFile(file.tmpPath)
  const image = sniffImage(bytes)
  if (image) {
    if (bytes.byteLength > MAX_IMAGE_BYTES) {
      throw new UserError('agent_ui.errors.photo_too_large', { field: 'file' })
    }
    const decoded = await decodeImage(bytes, 'file')
    return {
      kind: 'image' as const,
      bytes: decoded.bytes,
      mimetype: decoded.kind.contentType,
      extension: decoded.kind.extension,
    }
  }
  const audio = sniffAudio(bytes)
  if (audio) {
    if (bytes.byteLength > Math.min(PLAYGROUND_AUDIO_BYTES, agentConfig.transcription.maxBytes)) {
      throw new UserError('agent_ui.errors.audio_too_large', { field: 'file' })
    }
    return { kind: 'audio' as const, bytes, ...audio }
  }
  throw new UserError('agent_ui.errors.not_media', { field: 'file' })
}

/**
 * A row of an aggregate query (its columns are the query's aliases).
 */
type Row = Record<string, any>
