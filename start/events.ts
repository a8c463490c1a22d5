/*
|--------------------------------------------------------------------------
| Application events
|--------------------------------------------------------------------------
*/
import emitter from '@adonisjs/core/services/emitter'

/**
 * The WhatsApp simulator delivers its webhooks through the same ingest as
 * the real gateway.
 */
emitter.on('whatsapp:simulated_delivery', [
  () => import('#listeners/deliver_simulated_webhook'),
  'handle',
])

/**
 * A customer's message was stored: schedule the agent's reply.
 */
emitter.on('whatsapp:message_stored', [() => import('#listeners/schedule_agent_reply'), 'handle'])

/**
 * A voice note was stored: its words, for the inbox and the agent.
 */
emitter.on('whatsapp:message_stored', [() => import('#listeners/schedule_transcription'), 'handle'])
