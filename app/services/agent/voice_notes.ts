import type Business from '#models/business'
import type Message from '#models/message'

/**
 * Where a voice note's words stand, for the turn that answers it.
 */

/**
 * Its words will not come: the transcription failed, the audio was too
 * long to transcribe, or its file never arrived.
 */
export function isUnheard(message: Message) {
  return (
    message.type === 'audio' &&
    !message.transcript &&
    (['failed', 'too_long'].includes(message.transcriptStatus ?? '') ||
      ['unavailable', 'too_large'].includes(message.mediaStatus ?? ''))
  )
}

/**
 * Its words are on their way (the file is being fetched or the provider
 * is transcribing): a turn waits for them rather than answer before the
 * transcript exists.
 */
export function awaitsTranscript(
  message: Message,
  business: Pick<Business, 'understandMedia' | 'hasOpenaiKey'>
) {
  return (
    message.type === 'audio' &&
    business.understandMedia &&
    business.hasOpenaiKey &&
    !message.deletedAt &&
    !message.transcript &&
    !['done', 'off'].includes(message.transcriptStatus ?? '') &&
    !isUnheard(message)
  )
}
