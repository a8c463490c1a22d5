import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import ConnectWhatsapp from '#actions/whatsapp/connect_whatsapp'
import DisconnectWhatsapp from '#actions/whatsapp/disconnect_whatsapp'
import BusinessPolicy from '#policies/business_policy'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'
import MessageTransformer from '#transformers/message_transformer'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { SimulatorGateway } from '#services/whatsapp/simulator_gateway'
import { phoneJid } from '#services/whatsapp/jid'
import {
  equivalentDigits,
  toWhatsappDigits,
  whatsappDigitsOrFail,
} from '#services/whatsapp/phone_numbers'
import { simulatorMessageValidator } from '#validators/whatsapp'
import UserError from '#exceptions/user_error'
import { randomBytes } from 'node:crypto'

/**
 * "Conectar WhatsApp" and, without a gateway, the simulator where the owner
 * plays a customer.
 */
export default class WhatsappPagesController {
  @inject()
  async show({ inertia, business, bouncer }: HttpContext, gateway: WhatsAppGateway) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const instance = await business.whatsapp()
    return inertia.render('whatsapp/connect', {
      businessId: business.id,
      driver: gateway.driver,
      instance: instance ? new WhatsappInstanceTransformer(instance).withQr() : null,
    })
  }

  @inject()
  async connect({ business, bouncer, response }: HttpContext, connect: ConnectWhatsapp) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    await connect.handle(business)
    return response.redirect().toRoute('whatsapp.show')
  }

  @inject()
  async logout({ business, bouncer, response }: HttpContext, disconnect: DisconnectWhatsapp) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await business.whatsappOrFail()
    await disconnect.logout(instance)
    return response.redirect().toRoute('whatsapp.show')
  }

  @inject()
  async destroy({ business, bouncer, response }: HttpContext, disconnect: DisconnectWhatsapp) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await business.whatsappOrFail()
    await disconnect.remove(instance)
    return response.redirect().toRoute('whatsapp.show')
  }

  /**
   * Simulator: the QR is "scanned" by a made-up business phone.
   */
  @inject()
  async simulateScan({ business, bouncer, response }: HttpContext, gateway: WhatsAppGateway) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const simulator = this.#simulator(gateway)
    const instance = await business.whatsappOrFail()
    await simulator.simulateScan(instance.instanceName, '5215500000000', business.name)
    return response.redirect().toRoute('whatsapp.show')
  }

  @inject()
  async simulator({ inertia, business, request, bouncer }: HttpContext, gateway: WhatsAppGateway) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    this.#simulator(gateway)
    const instance = await business.whatsapp()
    const phone =
      toWhatsappDigits(String(request.input('phone', '')), business.country).digits ??
      '5215512345678'
    const contact = await business
      .related('contacts')
      .query()
      .whereIn('phone', equivalentDigits(phone))
      .orderBy('created_at')
      .first()
    const messages = contact
      ? await business
          .related('messages')
          .query()
          .whereIn('conversation_id', (query) =>
            query.from('conversations').select('id').where('contact_id', contact.id)
          )
          .orderBy('sent_at', 'desc')
          .limit(100)
      : []

    return inertia.render('whatsapp/simulator', {
      businessId: business.id,
      businessName: business.name,
      connected: instance?.isPaired() ?? false,
      phone,
      messages: MessageTransformer.transform(messages.reverse()),
    })
  }

  /**
   * The simulated customer writes: an Evolution-shaped messages.upsert goes
   * through the same ingest as a real webhook.
   */
  @inject()
  async simulatorMessage(
    { business, request, response, bouncer }: HttpContext,
    gateway: WhatsAppGateway
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    this.#simulator(gateway)
    const payload = await request.validateUsing(simulatorMessageValidator)
    const phone = whatsappDigitsOrFail(payload.phone, business.country)
    const instance = await business.whatsapp()
    if (!instance || !instance.isPaired()) {
      throw new UserError('whatsapp.errors.not_connected', { status: 409 })
    }

    const { default: DeliverSimulatedWebhook } =
      await import('#listeners/deliver_simulated_webhook')
    const { default: app } = await import('@adonisjs/core/services/app')
    const deliver = await app.container.make(DeliverSimulatedWebhook)
    await deliver.handle({
      event: 'messages.upsert',
      instance: instance.instanceName,
      data: {
        key: {
          remoteJid: phoneJid(phone),
          fromMe: false,
          id: `SIMC${randomBytes(8).toString('hex').toUpperCase()}`,
        },
        pushName: payload.name || null,
        status: 'DELIVERY_ACK',
        message: { conversation: payload.text },
        messageType: 'conversation',
        messageTimestamp: Math.floor(Date.now() / 1000),
        source: 'simulator',
      },
    })
    return response.redirect().toRoute('whatsapp.simulator', {}, { qs: { phone } })
  }

  #simulator(gateway: WhatsAppGateway): SimulatorGateway {
    if (!(gateway instanceof SimulatorGateway)) {
      throw new UserError('whatsapp.errors.simulator_only', { status: 404 })
    }
    return gateway
  }
}
