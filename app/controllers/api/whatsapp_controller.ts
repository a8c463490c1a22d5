import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { extname } from 'node:path'
import WhatsappInstance from '#models/whatsapp_instance'
import ConnectWhatsapp from '#actions/whatsapp/connect_whatsapp'
import DisconnectWhatsapp from '#actions/whatsapp/disconnect_whatsapp'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import BusinessPolicy from '#policies/business_policy'
import MessageTransformer from '#transformers/message_transformer'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'
import { createInstanceValidator, sendMessageValidator } from '#validators/whatsapp'
import type { MediaKind } from '#services/whatsapp/whatsapp_gateway'

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

  async status({ auth, params }: HttpContext) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    return new WhatsappInstanceTransformer(instance).toObject()
  }

  /**
   * The current QR: asked fresh from the gateway when none is cached.
   */
  @inject()
  async qr({ auth, params, bouncer }: HttpContext, connect: ConnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    let instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    if (!instance.isPaired() && !instance.qrCode) {
      const connected = await connect.handle(business)
      instance = connected.instance
    }
    const { status, qr } = new WhatsappInstanceTransformer(instance).withQr()
    return { status, qr }
  }

  @inject()
  async send(
    { auth, params, request, response, serialize }: HttpContext,
    sendMessage: SendWhatsappMessage
  ) {
    const user = auth.getUserOrFail()
    const business = await user.findBusinessOrFail(params.business_id)
    const payload = await request.validateUsing(sendMessageValidator)

    const message = await sendMessage.handle({
      business,
      phone: payload.phone,
      text: payload.message,
      media: payload.mediaUrl ? mediaFromUrl(payload.mediaUrl) : undefined,
      author: 'human',
      userId: user.id,
    })
    response.status(201)
    return serialize(MessageTransformer.transform(message))
  }

  @inject()
  async reconnect({ auth, params, bouncer }: HttpContext, connect: ConnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    await WhatsappInstance.findByOrFail('business_id', business.id)
    const { instance } = await connect.handle(business)
    return new WhatsappInstanceTransformer(instance).withQr()
  }

  @inject()
  async logout({ auth, params, bouncer }: HttpContext, disconnect: DisconnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    await disconnect.logout(instance)
    return new WhatsappInstanceTransformer(instance).toObject()
  }

  @inject()
  async destroy({ auth, params, bouncer, response }: HttpContext, disconnect: DisconnectWhatsapp) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.business_id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    await disconnect.remove(instance)
    return response.noContent()
  }
}

const MEDIA_BY_EXTENSION: Record<string, { kind: MediaKind; mimetype: string }> = {
  '.jpg': { kind: 'image', mimetype: 'image/jpeg' },
  '.jpeg': { kind: 'image', mimetype: 'image/jpeg' },
  '.png': { kind: 'image', mimetype: 'image/png' },
  '.webp': { kind: 'image', mimetype: 'image/webp' },
  '.mp4': { kind: 'video', mimetype: 'video/mp4' },
  '.pdf': { kind: 'document', mimetype: 'application/pdf' },
  '.mp3': { kind: 'audio', mimetype: 'audio/mpeg' },
  '.ogg': { kind: 'audio', mimetype: 'audio/ogg' },
}

/**
 * What to tell the gateway about a media URL, from its path's extension
 * (a document when unknown).
 */
function mediaFromUrl(url: string) {
  const path = new URL(url).pathname
  const fileName = decodeURIComponent(path.split('/').pop() || 'file')
  const known = MEDIA_BY_EXTENSION[extname(path).toLowerCase()] ?? {
    kind: 'document' as const,
    mimetype: 'application/octet-stream',
  }
  return { ...known, url, fileName }
}
