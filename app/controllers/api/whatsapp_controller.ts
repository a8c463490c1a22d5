import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import ConnectWhatsapp from '#actions/whatsapp/connect_whatsapp'
import DisconnectWhatsapp from '#actions/whatsapp/disconnect_whatsapp'
import SendApiMessage from '#actions/whatsapp/send_api_message'
import BusinessPolicy from '#policies/business_policy'
import MessageTransformer from '#transformers/message_transformer'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'
import { createInstanceValidator, sendMessageValidator } from '#validators/whatsapp'

/**
 * The WhatsApp connection of a business, for API clients (Bearer).
 */
export default class WhatsappController {
  @inject()
  async create({ auth, request, response, bouncer }: HttpContext, connect: ConnectWhatsapp) {
    const { business_id: businessId } = await request.validateUsing(createInstanceValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const { instance, created } = await connect.handle(business)
    return response
      .status(created ? 201 : 200)
      .send(new WhatsappInstanceTransformer(instance).withQr())
  }

  async status({ auth, params, bouncer }: HttpContext) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const instance = await business.whatsappOrFail()
    return new WhatsappInstanceTransformer(instance).toObject()
  }

  /**
   * The current QR: asked fresh from the gateway when none is cached.
   */
  @inject()
  async qr({ auth, params, bouncer }: HttpContext, connect: ConnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    let instance = await business.whatsappOrFail()
    if (!instance.isPaired() && !instance.qrCode) {
      const connected = await connect.handle(business)
      instance = connected.instance
    }
    const { status, qr } = new WhatsappInstanceTransformer(instance).withQr()
    return { status, qr }
  }

  @inject()
  async send(
    { auth, params, request, response, serialize, bouncer }: HttpContext,
    sendMessage: SendApiMessage
  ) {
    const user = auth.getUserOrFail()
    const business = await user.findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('sendMessages', business)
    const payload = await request.validateUsing(sendMessageValidator)

    const message = await sendMessage.handle({
      business,
      user,
      phone: payload.phone,
      text: payload.message,
      mediaUrl: payload.mediaUrl,
    })
    response.status(201)
    return serialize(MessageTransformer.transform(message))
  }

  @inject()
  async reconnect({ auth, params, bouncer }: HttpContext, connect: ConnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    await business.whatsappOrFail()
    const { instance } = await connect.handle(business)
    return new WhatsappInstanceTransformer(instance).withQr()
  }

  @inject()
  async logout({ auth, params, bouncer }: HttpContext, disconnect: DisconnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await business.whatsappOrFail()
    await disconnect.logout(instance)
    return new WhatsappInstanceTransformer(instance).toObject()
  }

  @inject()
  async destroy({ auth, params, bouncer, response }: HttpContext, disconnect: DisconnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await business.whatsappOrFail()
    await disconnect.remove(instance)
    return response.noContent()
  }
}
