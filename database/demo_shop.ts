import { DateTime } from 'luxon'
import sharp from 'sharp'
import type User from '#models/user'
import type Business from '#models/business'

/**
 * The shop a newcomer finds on the first `npm run dev`: a clothing store
 * that sells, with a dozen products with photos, its policies and hours,
 * its own prompt, WhatsApp connected through the simulator, and a few
 * conversations in the inbox (one the bot answered, one a person took
 * over, one waiting for a person).
 *
 * Everything goes through the actions and services the app uses, so the
 * demo shows what a real shop would look like.
 */
export async function createDemoShop(owner: User) {
  const { default: app } = await import('@adonisjs/core/services/app')
  const { default: CreateBusiness } = await import('#actions/businesses/create_business')
  const { default: SavePolicy } = await import('#actions/knowledge/save_policy')
  const { default: SavePromptVersion } = await import('#actions/knowledge/save_prompt_version')
  const { default: ConnectWhatsapp } = await import('#actions/whatsapp/connect_whatsapp')
  const { default: MediaStorage } = await import('#services/media_storage')
  const { default: CatalogPhotos } = await import('#services/catalog/catalog_photos')

  const business = await new CreateBusiness().handle({
    owner,
    name: 'Boutique Lupita',
    industry: 'Ropa y accesorios',
    description:
      'Ropa casual, tenis y accesorios para toda la familia, con envíos a todo México desde la Ciudad de México.',
  })

  const storage = await app.container.make(MediaStorage)
  const photos = await app.container.make(CatalogPhotos)
  for (const product of PRODUCTS) {
    const imageKey = await storage.storeImage(await drawProduct(product), {
      businessId: business.id,
      folder: 'products',
    })
    await business.related('products').create({
      title: product.title,
      description: product.description,
      price: product.price,
      sku: product.sku,
      stock: product.stock,
      active: true,
      imageKey,
      photoFingerprint: await photos.fingerprintOf(imageKey),
    })
  }

  await new SavePolicy().handle({
    business,
    mode: 'upsert',
    changes: {
      shippingPolicy:
        'Enviamos a todo México por paquetería en 2 a 5 días hábiles. El envío es gratis en compras desde $999; si no, cuesta $129. En la CDMX entregamos el mismo día si pides antes de las 12:00.',
      refundPolicy:
        'Cambios de talla o modelo dentro de los 15 días siguientes a la entrega, con la prenda sin usar y con su etiqueta. Si algo llega dañado, te devolvemos tu dinero completo.',
      brandVoice: 'Cercana y alegre, de tú, con frases cortas y sin tecnicismos.',
      allowedHours: 'Lun a Vie de 10 a 19, sáb 10-15',
      faqs: [
        {
          question: '¿Tienen tienda física?',
          answer: 'Sí, en la colonia Roma de la CDMX: Álvaro Obregón 120, local 3.',
        },
        {
          question: '¿Cómo puedo pagar?',
          answer: 'Con tarjeta, transferencia o en efectivo en OXXO.',
        },
        {
          question: '¿Cómo sé mi talla?',
          answer:
            'Nuestras playeras y sudaderas son de talla normal; si dudas entre dos, elige la mayor.',
        },
      ],
    },
  })

  await new SavePromptVersion().handle({
    business,
    author: owner,
    content: [
      'Eres Lupita, la asistente de ventas de Boutique Lupita por WhatsApp.',
      'Ayuda a cada cliente a encontrar la prenda o el accesorio que busca en el catálogo, dile precio y existencias, y llévalo a comprar: confirma talla, color y dirección de envío.',
      'Si preguntan por algo que no tenemos, ofrece lo más parecido del catálogo.',
      'Nunca inventes precios, descuentos ni tiempos de entrega: usa solo lo que dicen el catálogo y las políticas.',
      'Si el cliente está molesto o pide hablar con una persona, dile que alguien del equipo le escribe en unos minutos.',
    ].join('\n\n'),
  })

  /**
   * WhatsApp "connected": the simulator stands in for the phone.
   */
  const connect = await app.container.make(ConnectWhatsapp)
  const { instance } = await connect.handle(business)
  instance.status = 'open'
  instance.phone = '5215550001234'
  instance.profileName = 'Boutique Lupita'
  instance.qrCode = null
  await instance.save()

  await addConversations(business, owner)
  return business
}

type DemoProduct = {
  title: string
  description: string
  price: string
  sku: string
  stock: number | null
  drawing: keyof typeof DRAWINGS
  color: string
  background: string
}

const PRODUCTS: DemoProduct[] = [
  {
    title: 'Playera básica de algodón blanca',
    description: 'Algodón peinado 100 %, cuello redondo. Tallas CH a XG.',
    price: '249.00',
    sku: 'PLA-BAS-BL',
    stock: 40,
    drawing: 'shirt',
    color: '#f8fafc',
    background: '#cbd5e1',
  },
  {
    title: 'Playera básica de algodón negra',
    description: 'Algodón peinado 100 %, cuello redondo. Tallas CH a XG.',
    price: '249.00',
    sku: 'PLA-BAS-NE',
    stock: 35,
    drawing: 'shirt',
    color: '#1f2937',
    background: '#e2e8f0',
  },
  {
    title: 'Sudadera con capucha verde olivo',
    description: 'Felpa suave por dentro, bolsa canguro. Tallas CH a XG.',
    price: '649.00',
    sku: 'SUD-CAP-VO',
    stock: 18,
    drawing: 'hoodie',
    color: '#65743a',
    background: '#ecefe3',
  },
  {
    title: 'Jeans corte recto azul clásico',
    description: 'Mezclilla 12 oz con un toque de elasticidad. Tallas 28 a 38.',
    price: '799.00',
    sku: 'JEA-REC-AZ',
    stock: 22,
    drawing: 'jeans',
    color: '#2f5d8a',
    background: '#e0e9f3',
  },
  {
    title: 'Tenis urbanos blancos',
    description: 'Piel sintética, suela de goma. Del 23 al 29.',
    price: '1199.00',
    sku: 'TEN-URB-BL',
    stock: 15,
    drawing: 'sneaker',
    color: '#f8fafc',
    background: '#fde68a',
  },
  {
    title: 'Tenis para correr rojos',
    description: 'Ligeros, con malla transpirable y amortiguación. Del 23 al 29.',
    price: '1399.00',
    sku: 'TEN-RUN-RO',
    stock: 9,
    drawing: 'sneaker',
    color: '#c81e3a',
    background: '#f4efe6',
  },
  {
    title: 'Gorra bordada azul marino',
    description: 'Ajustable, algodón, con visera curva.',
    price: '279.00',
    sku: 'GOR-BOR-AM',
    stock: 30,
    drawing: 'cap',
    color: '#1e3a5f',
    background: '#dbeafe',
  },
  {
    title: 'Mochila de lona café',
    description: 'Compartimento para laptop de 15", dos bolsas frontales.',
    price: '549.00',
    sku: 'MOC-LON-CA',
    stock: 12,
    drawing: 'backpack',
    color: '#8a5a2b',
    background: '#f5e9d9',
  },
  {
    title: 'Bolsa de mano color arena',
    description: 'Piel sintética, asa corta y correa larga desmontable.',
    price: '699.00',
    sku: 'BOL-MAN-AR',
    stock: 8,
    drawing: 'bag',
    color: '#c8a97e',
    background: '#fdf2e9',
  },
  {
    title: 'Lentes de sol con armazón negro',
    description: 'Protección UV400, estuche incluido.',
    price: '399.00',
    sku: 'LEN-SOL-NE',
    stock: 25,
    drawing: 'glasses',
    color: '#111827',
    background: '#fef3c7',
  },
  {
    title: 'Calcetines deportivos (paquete de 3)',
    description: 'Algodón con refuerzo en talón y punta. Talla única.',
    price: '149.00',
    sku: 'CAL-DEP-3',
    stock: 60,
    drawing: 'socks',
    color: '#0f766e',
    background: '#ccfbf1',
  },
  {
    title: 'Reloj deportivo digital',
    description: 'Resistente al agua 50 m, cronómetro y alarma.',
    price: '899.00',
    sku: 'REL-DEP-DI',
    stock: 0,
    drawing: 'watch',
    color: '#334155',
    background: '#e0e7ff',
  },
]

/**
 * Simple flat drawings of each kind of product, 800×800, in the product's
 * colour over a soft background: enough for the catalog to look like a
 * shop and for the photo matcher to tell them apart.
 */
const DRAWINGS = {
  shirt: (c: string) =>
    `<path d="M250 200 L340 160 Q400 210 460 160 L550 200 L640 300 L560 350 L540 320 L540 640 L260 640 L260 320 L240 350 L160 300 Z" fill="${c}" stroke="#33415533" stroke-width="6"/>`,
  hoodie: (c: string) =>
    `<path d="M250 230 L330 190 Q400 120 470 190 L550 230 L640 420 L570 450 L540 380 L540 650 L260 650 L260 380 L230 450 L160 420 Z" fill="${c}"/><path d="M340 200 Q400 290 460 200" fill="none" stroke="#00000033" stroke-width="10"/><rect x="320" y="500" width="160" height="80" rx="20" fill="#00000022"/>`,
  jeans: (c: string) =>
    `<path d="M280 150 L520 150 L560 660 L440 660 L400 330 L360 660 L240 660 Z" fill="${c}"/><path d="M280 190 L520 190" stroke="#ffffff55" stroke-width="8"/>`,
  sneaker: (c: string) =>
    `<path d="M140 520 Q150 380 260 370 L380 360 Q430 420 520 430 L640 460 Q690 480 680 540 L140 560 Z" fill="${c}" stroke="#33415555" stroke-width="6"/><rect x="130" y="540" width="560" height="50" rx="22" fill="#ffffff" stroke="#33415555" stroke-width="6"/><path d="M300 390 L340 450 M340 380 L380 440" stroke="#33415577" stroke-width="10"/>`,
  cap: (c: string) =>
    `<path d="M200 470 Q200 250 400 250 Q600 250 600 470 Z" fill="${c}"/><path d="M560 470 Q700 470 720 520 L540 520 Z" fill="${c}"/><circle cx="400" cy="255" r="16" fill="#00000044"/>`,
  backpack: (c: string) =>
    `<rect x="250" y="220" width="300" height="420" rx="70" fill="${c}"/><path d="M330 230 Q400 130 470 230" fill="none" stroke="${c}" stroke-width="26"/><rect x="300" y="430" width="200" height="150" rx="30" fill="#00000026"/>`,
  bag: (c: string) =>
    `<path d="M220 360 L580 360 L620 640 L180 640 Z" fill="${c}"/><path d="M310 370 Q310 230 400 230 Q490 230 490 370" fill="none" stroke="${c}" stroke-width="24"/><rect x="370" y="420" width="60" height="30" rx="8" fill="#00000033"/>`,
  glasses: (c: string) =>
    `<rect x="170" y="340" width="200" height="140" rx="50" fill="${c}"/><rect x="430" y="340" width="200" height="140" rx="50" fill="${c}"/><path d="M370 380 Q400 350 430 380" fill="none" stroke="${c}" stroke-width="18"/><path d="M170 370 L120 340 M630 370 L680 340" stroke="${c}" stroke-width="16"/>`,
  socks: (c: string) =>
    `<path d="M260 160 L360 160 L360 470 Q360 560 280 580 L200 590 Q150 560 190 510 L260 470 Z" fill="${c}"/><path d="M440 200 L540 200 L540 510 Q540 600 460 620 L380 630 Q330 600 370 550 L440 510 Z" fill="${c}" opacity="0.8"/><rect x="260" y="160" width="100" height="40" fill="#ffffff88"/><rect x="440" y="200" width="100" height="40" fill="#ffffff88"/>`,
  watch: (c: string) =>
    `<rect x="340" y="130" width="120" height="540" rx="40" fill="${c}"/><circle cx="400" cy="400" r="150" fill="#0f172a"/><circle cx="400" cy="400" r="120" fill="#a5f3fc"/><text x="400" y="425" font-family="monospace" font-size="70" text-anchor="middle" fill="#0f172a">10:09</text>`,
}

async function drawProduct(product: DemoProduct) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
    <rect width="800" height="800" fill="${product.background}"/>
    <ellipse cx="400" cy="700" rx="280" ry="30" fill="#00000014"/>
    ${DRAWINGS[product.drawing](product.color)}
  </svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer()
}

/**
 * Three customers in the inbox, each in another state.
 */
async function addConversations(business: Business, owner: User) {
  const now = DateTime.now()
  const chats: {
    phone: string
    pushName: string
    state: Partial<{
      needsHuman: boolean
      handoffReason: string
      botPausedUntil: DateTime
      unreadCount: number
    }>
    messages: { from: 'customer' | 'bot' | 'human'; text: string; minutesAgo: number }[]
  }[] = [
    {
      phone: '5215511112222',
      pushName: 'Mariana López',
      state: {},
      messages: [
        { from: 'customer', text: 'Hola, ¿tienen tenis blancos talla 24?', minutesAgo: 95 },
        {
          from: 'bot',
          text: '¡Hola, Mariana! Sí: los Tenis urbanos blancos cuestan $1,199 y tenemos del 23 al 29. ¿Te los aparto en 24?',
          minutesAgo: 94,
        },
        { from: 'customer', text: 'Sí, porfa. ¿El envío a Puebla cuánto tarda?', minutesAgo: 90 },
        {
          from: 'bot',
          text: 'De 2 a 5 días hábiles, y como tu compra pasa de $999 el envío es gratis. ¿Me compartes tu dirección?',
          minutesAgo: 89,
        },
      ],
    },
    {
      phone: '5215533334444',
      pushName: 'Jorge Ramírez',
      state: { botPausedUntil: now.plus({ minutes: 45 }) },
      messages: [
        { from: 'customer', text: '¿Hacen precio por mayoreo? Quiero 30 playeras', minutesAgo: 40 },
        {
          from: 'human',
          text: 'Hola Jorge, soy Lupita. Sí hacemos precio por mayoreo: ¿de qué colores y tallas las necesitas?',
          minutesAgo: 35,
        },
        { from: 'customer', text: '15 blancas y 15 negras, tallas M y G', minutesAgo: 30 },
      ],
    },
    {
      phone: '5215555556666',
      pushName: 'Sofía Hernández',
      state: {
        needsHuman: true,
        handoffReason: 'La clienta dice que su pedido llegó incompleto.',
        unreadCount: 2,
      },
      messages: [
        { from: 'customer', text: 'Buenas tardes, me llegó el pedido incompleto', minutesAgo: 8 },
        {
          from: 'bot',
          text: 'Lo siento mucho, Sofía. Alguien del equipo te escribe en unos minutos para resolverlo.',
          minutesAgo: 7,
        },
        { from: 'customer', text: 'Faltó la gorra azul', minutesAgo: 6 },
      ],
    },
  ]

  for (const chat of chats) {
    const contact = await business.related('contacts').create({
      waJid: `${chat.phone}@s.whatsapp.net`,
      phone: chat.phone,
      pushName: chat.pushName,
      firstSeenAt: now.minus({ minutes: chat.messages[0].minutesAgo }),
    })
    const last = chat.messages.at(-1)!
    const conversation = await business.related('conversations').create({
      contactId: contact.id,
      status: 'open',
      unreadCount: chat.state.unreadCount ?? (last.from === 'customer' ? 1 : 0),
      needsHuman: chat.state.needsHuman ?? false,
      handoffReason: chat.state.handoffReason ?? null,
      botEnabled: true,
      botPausedUntil: chat.state.botPausedUntil ?? null,
      lastMessageAt: now.minus({ minutes: last.minutesAgo }),
      lastMessagePreview: last.text,
      lastMessageDirection: last.from === 'customer' ? 'inbound' : 'outbound',
    })
    for (const [index, message] of chat.messages.entries()) {
      const inbound = message.from === 'customer'
      await conversation.related('messages').create({
        businessId: business.id,
        direction: inbound ? 'inbound' : 'outbound',
        author: message.from,
        type: 'text',
        body: message.text,
        status: inbound ? 'received' : 'read',
        sentByUserId: message.from === 'human' ? owner.id : null,
        gatewayMessageId: `DEMO${chat.phone.slice(-4)}${index}`,
        sentAt: now.minus({ minutes: message.minutesAgo }),
        /**
         * Read by the bot already: the demo's history is not answered
         * again when the worker starts.
         */
        agentHandledAt: now.minus({ minutes: message.minutesAgo }),
      })
    }
  }
}
