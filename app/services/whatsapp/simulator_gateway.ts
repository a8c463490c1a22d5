import logger from '@adonisjs/core/services/logger'
import { randomBytes } from 'node:crypto'
import emitter from '@adonisjs/core/services/emitter'
import {
  WhatsAppGateway,
  type ConnectionState,
  type InstanceCredentials,
  type QrState,
  type SentMessage,
} from '#services/whatsapp/whatsapp_gateway'
import { parseEvolutionWebhook } from '#services/whatsapp/evolution_message_parser'
import { simulatedQrDataUrl } from '#services/whatsapp/simulated_qr'
import { GatewayRejectedError } from '#services/whatsapp/gateway_errors'

/**
 * WhatsApp on one machine, with no gateway: the owner plays the customer
 * on the simulator page. It speaks the Evolution webhook format and
 * delivers its "webhooks" through the same ingest as real ones (the
 * `whatsapp:simulated_delivery` event, see start/events.ts).
 */
export class SimulatorGateway extends WhatsAppGateway {
  readonly driver = 'simulator' as const
  #states = new Map<string, ConnectionState>()
  #qrCounts = new Map<string, number>()

  async createInstance(params: { instanceName: string }): Promise<QrState> {
    this.#states.set(params.instanceName, 'connecting')
    return this.#qr(params.instanceName)
  }

  async connect(instance: InstanceCredentials): Promise<QrState> {
    if (this.#state(instance) === 'open') {
      return { state: 'open', qr: null, pairingCode: null }
    }
    this.#states.set(instance.instanceName, 'connecting')
    return this.#qr(instance.instanceName)
  }

  async connectionState(instance: InstanceCredentials) {
    return this.#state(instance)
  }

  async logout(instance: InstanceCredentials) {
    this.#states.set(instance.instanceName, 'close')
  }

  async deleteInstance(instance: InstanceCredentials) {
    this.#states.delete(instance.instanceName)
  }

  /**
   * Its "webhooks" are events in this process: nothing to point anywhere.
   */
  async setWebhook() {}

  /**
   * What a scan does on a real gateway: the connection opens.
   */
  async simulateScan(instanceName: string, phone: string, profileName: string) {
    this.#states.set(instanceName, 'open')
    this.#deliver(instanceName, 'connection.update', {
      instance: instanceName,
      wuid: `${phone}@s.whatsapp.net`,
      profileName,
      state: 'open',
      statusReason: 200,
    })
  }

  async sendText(instance: InstanceCredentials, to: string): Promise<SentMessage> {
    return this.#send(instance, to)
  }

  async sendMedia(instance: InstanceCredentials, to: string): Promise<SentMessage> {
    return this.#send(instance, to)
  }

  async sendPresence() {}

  async markRead() {}

  async fetchMedia(): Promise<never> {
    throw new GatewayRejectedError('The simulator keeps no media', 404, 'rejected')
  }

  parseWebhook(body: unknown) {
    return parseEvolutionWebhook(body)
  }

  #state(instance: InstanceCredentials): ConnectionState {
    /**
     * After a restart the simulator remembers nothing: an instance the app
     * knows is taken as connected, as a real phone would stay.
     */
    return this.#states.get(instance.instanceName) ?? 'open'
  }

  #qr(instanceName: string): QrState {
    const count = (this.#qrCounts.get(instanceName) ?? 0) + 1
    this.#qrCounts.set(instanceName, count)
    return {
      state: 'connecting',
      qr: simulatedQrDataUrl(`${instanceName}:${count}`),
      pairingCode: null,
    }
  }

  #send(instance: InstanceCredentials, to: string): SentMessage {
    if (this.#state(instance) !== 'open') {
      throw new GatewayRejectedError('The simulated phone is not connected', 400)
    }
    const id = `SIM${randomBytes(8).toString('hex').toUpperCase()}`
    /**
     * The simulated customer's phone receives the message a moment later.
     */
    setTimeout(() => {
      this.#deliver(instance.instanceName, 'messages.update', {
        keyId: id,
        remoteJid: to.includes('@') ? to : `${to}@s.whatsapp.net`,
        fromMe: true,
        status: 'DELIVERY_ACK',
      })
    }, 250).unref()
    return { id, status: 'sent' }
  }

  #deliver(instanceName: string, event: string, data: Record<string, unknown>) {
    emitter
      .emit('whatsapp:simulated_delivery', {
        event,
        instance: instanceName,
        data,
        date_time: new Date().toISOString(),
      })
      .catch((error) => logger.error({ err: error, event }, 'a simulated delivery failed'))
  }
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'whatsapp:simulated_delivery': {
      event: string
      instance: string
      data: unknown
      date_time: string
    }
  }
}
