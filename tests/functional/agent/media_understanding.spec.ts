import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import AgentRun from '#models/agent_run'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { AgentUsage } from '#services/agent/agent_usage'
import { FakeEvolution, PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { upsert } from '#tests/fixtures/evolution_deliveries'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { inertiaVisit } from '#tests/helpers/inertia'
import { addProduct, agentHarness, eventually, readyForAgent } from '#tests/helpers/agent'
import app from '@adonisjs/core/services/app'
import sharp from 'sharp'
import CatalogPhotos from '#services/catalog/catalog_photos'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { signedInSession } from '#tests/helpers/http_session'
import { images } from '#tests/helpers/catalog'

const CUSTOMER = '5215512345678@s.whatsapp.net'
/**
 * An Ogg/Opus file's first bytes: what the endpoint gets, as it came.
 */
const VOICE_NOTE = Buffer.from('OggS\u0000\u0002fake opus voice note bytes').toString('base64')

test.group('Voice notes and photos: the agent hears and sees what customers send', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())

  const { openai, gateway } = harness
  let sequence = 0
  const voiceNote = (instanceName: string, seconds = 6) =>
    gateway.deliver(
      instanceName,
      'messages.upsert',
      upsert(`VOICE-${++sequence}`, {
        audioMessage: { mimetype: 'audio/ogg; codecs=opus', seconds, ptt: true },
        base64: VOICE_NOTE,
      })
    )
  const customerSays = (instanceName: string, text: string) =>
    gateway.deliver(
      instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id: `VTEXT-${++sequence}`, from: CUSTOMER, text })
    )
  const botTexts = () =>
    gateway.sent('/message/sendText').map((request) => request.body.text as string)
  const userWords = (request: { messages: { role: string; content: unknown }[] }) =>
    request.messages
      .filter((message) => message.role === 'user')
      .map((message) => String(message.content))

  test('a burst of text, voice note, text is answered once, after the transcript', async ({
    client,
    assert,
  }) => {
    const { business, instance, token, user } = await connectedBusiness(client, gateway)
    await readyForAgent(business, 1)
    openai.transcribe = () => ({ text: '¿Tienen el de la foto en talla 26?', delayMs: 1_500 })
    openai.script({ content: 'Sí, lo tenemos en talla 26.' })

    await customerSays(instance.instanceName, 'Hola')
    await voiceNote(instance.instanceName)
    await customerSays(instance.instanceName, 'gracias')
    await eventually(async () => botTexts().length > 0)
    await sleep(500)

    assert.deepEqual(botTexts(), ['Sí, lo tenemos en talla 26.'])
    const [request] = openai.chatRequests()
    assert.lengthOf(openai.chatRequests(), 1)
    assert.deepEqual(userWords(request), [
      'Hola',
      '[Nota de voz del cliente] ¿Tienen el de la foto en talla 26?',
      'gracias',
    ])

    /**
     * The endpoint got the file as WhatsApp sent it, with the business's
     * model and language.
     */
    const [transcription] = openai.transcriptions
    assert.equal(transcription.model, 'gpt-4o-mini-transcribe')
    assert.equal(transcription.language, 'es')
    assert.equal(transcription.fileType, 'audio/ogg')
    assert.match(transcription.fileName, /\.ogg$/)
    assert.equal(transcription.fileBytes.toString('base64'), VOICE_NOTE)

    const audio = await Message.query()
      .where('business_id', business.id)
      .where('type', 'audio')
      .firstOrFail()
    assert.equal(audio.transcript, '¿Tienen el de la foto en talla 26?')
    assert.equal(audio.transcriptSeconds, 6)
    assert.equal(audio.transcriptCostUsd, '0.000300', '6 s at $0.003 a minute')
    /**
     * The inbox shows the words under the audio, and finds the
     * conversation by them.
     */
    const messages = await client
      .get(`/conversations/${audio.conversationId}/messages`)
      .bearerToken(token)
    messages.assertStatus(200)
    assert.containSubset(
      messages.body().data.find((message: { type: string }) => message.type === 'audio'),
      { transcript: '¿Tienen el de la foto en talla 26?', transcriptStatus: 'done' }
    )
    const found = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id, q: 'talla 26' })
    found.assertStatus(200)
    assert.deepEqual(
      found.body().data.map((conversation: { id: string }) => conversation.id),
      [audio.conversationId]
    )

    const usage = new AgentUsage()
    const run = await AgentRun.findByOrFail('business_id', business.id)
    assert.equal(
      Number(await usage.spentThisMonth(business)).toFixed(6),
      (Number(run.costUsd) + 0.0003).toFixed(6),
      'the voice note counts in the month and the budget'
    )
    const page = await inertiaVisit(client, '/agent/usage', { user })
    const [today] = page.body().props.days
    assert.equal(today.audio_minutes, 0.1)
    assert.equal(
      Number(today.cost_usd).toFixed(6),
      (Number(run.costUsd) + 0.0003).toFixed(6),
      'the usage page counts it too'
    )
  })

  test('a voice note that cannot be heard: the bot asks the customer to write it', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.transcribe = () => ({ status: 500 })
    openai.script({ content: 'Perdona, no pude escuchar tu audio. ¿Me lo escribes?' })

    await voiceNote(instance.instanceName)
    await eventually(async () => botTexts().length > 0)
    const [request] = openai.chatRequests()
    assert.include(userWords(request).at(-1)!, 'no se pudo escuchar')
    assert.deepEqual(botTexts(), ['Perdona, no pude escuchar tu audio. ¿Me lo escribes?'])
    assert.lengthOf(openai.transcriptions, 3, 'tried three times before giving up')
  })

  test('a voice note that cannot be heard, when the business wants a person for it', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.unheardAudio = 'human'
    await business.save()
    openai.transcribe = () => ({ status: 500 })

    await voiceNote(instance.instanceName)
    const conversation = await eventually(async () => {
      const found = await Conversation.findBy('business_id', business.id)
      return found?.needsHuman ? found : null
    })
    assert.equal(
      conversation.handoffReason,
      'El cliente envió un audio que el bot no pudo escuchar.'
    )
    await sleep(300)
    assert.lengthOf(openai.chatRequests(), 0, 'the model is not asked')
    assert.deepEqual(botTexts(), [])
  })

  test('the photos of the burst reach the model as images; older ones as their caption', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const photo = (id: string, caption: string) =>
      gateway.deliver(
        instance.instanceName,
        'messages.upsert',
        upsert(id, {
          imageMessage: { mimetype: 'image/jpeg', caption },
          base64: PIXEL_JPEG,
        })
      )
    openai.script({ content: 'Lindo modelo.' }, { content: '¿Algo más?' })

    await photo(`PHOTO-${++sequence}`, 'este')
    await eventually(async () => botTexts().length > 0)
    const [first] = openai.chatRequests()
    const content = first.messages.at(-1)!.content as {
      type: string
      text?: string
      image_url?: { url: string }
    }[]
    assert.equal(content[0].type, 'text')
    assert.include(content[0].text, 'este')
    assert.equal(content[1].type, 'image_url')
    assert.match(content[1].image_url!.url, /^data:image\/jpeg;base64,/)

    await customerSays(instance.instanceName, '¿y en rojo?')
    await eventually(async () => botTexts().length > 1)
    const [, second] = openai.chatRequests()
    const older = second.messages.find(
      (message) => message.role === 'user' && typeof message.content === 'string'
    )
    assert.include(String(older!.content), 'este', 'the earlier photo is its caption now')
    assert.isFalse(
      second.messages.some((message) => Array.isArray(message.content)),
      'not sent to the model again'
    )
  })

  test('a forwarded catalog photo is recognised without AI and the model is told', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const shoe = await redShoe()
    const product = await addProduct(business, { title: 'Tenis Rojo Runner', price: '899.00' })
    const photos = await app.container.make(CatalogPhotos)
    product.photoFingerprint = await photos.fingerprintOfBytes(shoe)
    await product.save()
    await addProduct(business, { title: 'Bolsa de piel', price: '1299.50' })

    // As WhatsApp forwards it: smaller and re-compressed.
    const forwarded = await sharp(shoe).resize(640).jpeg({ quality: 60 }).toBuffer()
    openai.script({ content: 'Sí, el Tenis Rojo Runner cuesta $899.' })
    await gateway.deliver(
      instance.instanceName,
      'messages.upsert',
      upsert(`PHOTO-${++sequence}`, {
        imageMessage: { mimetype: 'image/jpeg', caption: '¿tienen este?' },
        base64: forwarded.toString('base64'),
      })
    )
    await eventually(async () => botTexts().length > 0)

    const [request] = openai.chatRequests()
    const content = request.messages.at(-1)!.content as { type: string; text?: string }[]
    assert.include(
      content[0].text,
      `la foto coincide con el producto del catálogo: Tenis Rojo Runner, id ${product.id}`
    )
    const photo = await Message.query()
      .where('business_id', business.id)
      .where('type', 'image')
      .firstOrFail()
    assert.deepEqual(photo.meta?.catalogMatch, {
      productId: product.id,
      title: 'Tenis Rojo Runner',
      confidence: 'match',
    })
  })

  test('documents are read by their name, videos by their length; stickers are not sent', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business, 1)
    openai.script({ content: 'Gracias, reviso tu lista.' })
    const send = (message: Record<string, unknown>) =>
      gateway.deliver(
        instance.instanceName,
        'messages.upsert',
        upsert(`DOC-${++sequence}`, message)
      )

    await send({
      documentMessage: { mimetype: 'application/pdf', fileName: 'pedido.pdf', caption: 'mi lista' },
    })
    await send({ videoMessage: { mimetype: 'video/mp4', seconds: 9, caption: 'así lo quiero' } })
    await send({ stickerMessage: { mimetype: 'image/webp' }, base64: PIXEL_JPEG })
    await eventually(async () => botTexts().length > 0)

    const [request] = openai.chatRequests()
    assert.deepEqual(userWords(request), [
      '[El cliente envió un documento] pedido.pdf mi lista',
      '[El cliente envió un video] (9 s) así lo quiero',
      '[El cliente envió un sticker]',
    ])
  })

  test('the playground hears a voice note and sees a catalog photo, as a customer would send them', async ({
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda Playground Medios')
    await readyForAgent(business)
    const shoe = await redShoe()
    const product = await addProduct(business, { title: 'Tenis Rojo Runner', price: '899.00' })
    const catalogPhotos = await app.container.make(CatalogPhotos)
    product.photoFingerprint = await catalogPhotos.fingerprintOfBytes(shoe)
    await product.save()
    const session = await signedInSession(user.email, 'secreta123')
    const turn = (messages: unknown[], file: Blob, name: string) => {
      const form = new FormData()
      form.append('messages', JSON.stringify(messages))
      form.append('file', file, name)
      return session.fetch('/agent/playground', {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: form,
      })
    }

    openai.transcribe = () => ({ text: '¿Tienen tenis rojos?' })
    openai.script({ content: 'Sí, tenemos el Tenis Rojo Runner.' })
    const voice = await turn(
      [{ role: 'customer' }],
      new Blob([Buffer.from(VOICE_NOTE, 'base64')], { type: 'audio/ogg' }),
      'nota.ogg'
    )
    assert.equal(voice.status, 200)
    const heard = (await voice.json()) as {
      parts: string[]
      costUsd: string
      customer: { text: string; media: string; transcription: { seconds: number } }
    }
    assert.deepEqual(heard.parts, ['Sí, tenemos el Tenis Rojo Runner.'])
    assert.equal(heard.customer.text, '¿Tienen tenis rojos?')
    assert.equal(heard.customer.media, 'voice_note')
    assert.isAbove(heard.customer.transcription.seconds, 0)
    assert.equal(openai.transcriptions[0].model, 'gpt-4o-mini-transcribe')
    assert.deepEqual(userWords(openai.chatRequests()[0]), [
      '[Nota de voz del cliente] ¿Tienen tenis rojos?',
    ])

    // The photo as WhatsApp forwards it, after the voice note's turn.
    openai.script({ content: 'Ese es el Tenis Rojo Runner, $899.' })
    const forwarded = await sharp(shoe).resize(640).jpeg({ quality: 60 }).toBuffer()
    const history = [
      { role: 'customer', text: heard.customer.text, media: 'voice_note' },
      { role: 'business', text: heard.parts[0] },
      { role: 'customer', text: '¿este?' },
    ]
    const seen = await turn(history, new Blob([forwarded], { type: 'image/jpeg' }), 'foto.jpg')
    assert.equal(seen.status, 200)
    const answer = (await seen.json()) as {
      customer: { media: string; match: { productId: string; title: string; confidence: string } }
    }
    assert.deepEqual(answer.customer.match, {
      productId: product.id,
      title: 'Tenis Rojo Runner',
      confidence: 'match',
    })
    const request = openai.chatRequests()[1]
    const newest = request.messages.at(-1)!.content as {
      type: string
      text?: string
      image_url?: { url: string }
    }[]
    assert.include(newest[0].text, '[El cliente envió una imagen] ¿este?')
    assert.include(newest[0].text, `coincide con el producto del catálogo: Tenis Rojo Runner`)
    assert.match(newest[1].image_url!.url, /^data:image\/jpeg;base64,/)
    assert.equal(request.messages[1].content, '[Nota de voz del cliente] ¿Tienen tenis rojos?')

    // The transcript's cost is the run's, counted in the month.
    const run = await AgentRun.query()
      .where('business_id', business.id)
      .where('source', 'playground')
      .orderBy('created_at')
      .firstOrFail()
    assert.equal(run.costUsd, heard.costUsd)
    assert.isAbove(Number(run.costUsd), 0)

    // A file that is neither is refused by its bytes, naming the field.
    const text = await turn(
      [{ role: 'customer', text: 'hola' }],
      new Blob(['not audio at all'], { type: 'audio/ogg' }),
      'nota.ogg'
    )
    assert.equal(text.status, 422)
    const refused = (await text.json()) as { errors: { field: string; message: string }[] }
    assert.equal(refused.errors[0].field, 'file')
    assert.include(refused.errors[0].message, 'no es una foto')

    // Nor is a page framed as a photo: it is decoded before the model sees it.
    const page = await turn(
      [{ role: 'customer', text: 'hola' }],
      new Blob([images.htmlInPng], { type: 'image/png' }),
      'foto.png'
    )
    assert.equal(page.status, 422)
    const framed = (await page.json()) as { errors: { field: string; message: string }[] }
    assert.equal(framed.errors[0].field, 'file')
    assert.lengthOf(openai.chatRequests(), 2)
  })
})

async function redShoe() {
  return await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900">
        <rect width="900" height="900" fill="#f4efe6"/>
        <ellipse cx="450" cy="560" rx="330" ry="120" fill="#c81e3a"/>
        <rect x="170" y="380" width="380" height="190" rx="60" fill="#c81e3a"/>
        <rect x="140" y="600" width="640" height="50" rx="20" fill="#ffffff"/>
        <circle cx="300" cy="440" r="18" fill="#1f2937"/>
        <circle cx="370" cy="430" r="18" fill="#1f2937"/>
      </svg>`
    )
  )
    .jpeg({ quality: 92 })
    .toBuffer()
}
