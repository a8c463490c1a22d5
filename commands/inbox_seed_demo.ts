import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Fills a business's inbox with made-up customers, conversations and
 * messages, to look at the inbox (and measure it, bench/inbox.ts) at the
 * size of a busy shop. Everything is generated inside PostgreSQL with
 * generate_series (set-based: a million messages in seconds, not one
 * INSERT per row), in one transaction.
 *
 *   node ace inbox:seed-demo --conversations 10000 --messages 1000000 [--business <id>]
 *
 * Without --business it fills the first business of the demo account
 * (demo@atiende.app). Meant for development and benchmarks: the messages
 * table is locked while it runs.
 */
export default class InboxSeedDemo extends BaseCommand {
  static commandName = 'inbox:seed-demo'
  static description = 'Fill a business inbox with realistic demo conversations and messages'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'How many conversations (one customer each)', default: 200 })
  declare conversations: number

  @flags.number({ description: 'How many messages in all', default: 5000 })
  declare messages: number

  @flags.string({ description: 'The business to fill (default: the demo account’s)' })
  declare business?: string

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { isUuid } = await import('#models/user')
    const { default: Business } = await import('#models/business')

    const conversations = Math.floor(this.conversations)
    const messages = Math.floor(this.messages)
    if (!(conversations >= 1 && conversations <= 1_000_000)) {
      this.logger.error('--conversations must be between 1 and 1,000,000')
      this.exitCode = 1
      return
    }
    if (!(messages >= conversations && messages <= 50_000_000)) {
      this.logger.error(
        '--messages must be at least --conversations (one each) and at most 50,000,000'
      )
      this.exitCode = 1
      return
    }

    let businessId = this.business
    if (businessId && !isUuid(businessId)) {
      this.logger.error(`"${businessId}" is not a business id (a UUID)`)
      this.exitCode = 1
      return
    }
    if (!businessId) {
      const demo = await db
        .from('business_members')
        .join('users', 'users.id', 'business_members.user_id')
        .where('users.email', 'demo@atiende.app')
        .orderBy('business_members.created_at')
        .select('business_members.business_id')
        .first()
      businessId = demo?.business_id
    }
    const business = businessId
      ? await db.from('businesses').where('id', businessId).select('id', 'name').first()
      : null
    if (!business) {
      this.logger.error('No business to fill: pass --business <id> (see node ace business:list)')
      this.exitCode = 1
      return
    }

    const started = performance.now()
    const timings: string[] = []
    const step = async (label: string, work: () => Promise<unknown>) => {
      const at = performance.now()
      await work()
      timings.push(`${label} ${((performance.now() - at) / 1000).toFixed(1)}s`)
    }

    await db.transaction(async (trx) => {
      const [counted] = await Business.reference(business.id, trx)
        .related('contacts')
        .query()
        .count('* as existing')
      const offset = Number(counted.$extras.existing)
      const bindings = { business: business.id, conversations, messages, offset, run: Date.now() }

      await trx.rawQuery('SELECT setseed(0.42)')
      await trx.rawQuery(`SET LOCAL work_mem = '256MB'`)
      await trx.rawQuery(`SET LOCAL maintenance_work_mem = '512MB'`)
      await trx.rawQuery('SET LOCAL jit = off')

      /**
       * The trigram index of message bodies is built once after the load
       * (its own definition, read back from the catalog): updating it row by
       * row is the slowest part of a bulk insert and leaves it several
       * times larger. Messages stay locked until the transaction ends.
       */
      const searchIndex = await trx.rawQuery(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'messages' AND indexname = ?`,
        [SEARCH_INDEX]
      )
      const searchIndexSql: string | undefined = searchIndex.rows[0]?.indexdef
      if (searchIndexSql) {
        await trx.rawQuery(`DROP INDEX ${SEARCH_INDEX}`)
      }

      await step('conversations', () => trx.rawQuery(CONVERSATIONS_SQL, bindings))
      await step('messages', () => trx.rawQuery(MESSAGES_SQL, bindings))
      if (searchIndexSql) {
        await step('search index', () => trx.rawQuery(searchIndexSql))
      }
      await step('last messages', () => trx.rawQuery(LAST_MESSAGE_SQL, bindings))
    })
    await step('analyze', () => db.rawQuery('ANALYZE contacts, conversations, messages'))

    this.logger.success(
      `${business.name}: ${conversations.toLocaleString('en')} conversations and ${messages.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(1)}s (${timings.join(', ')})`
    )
  }
}

const SEARCH_INDEX = 'messages_body_search_index'

/**
 * The made-up words: names, products, cities and what customers, the bot
 * and people write.
 */
const FIRST_NAMES = [
  'María',
  'José',
  'Guadalupe',
  'Juan',
  'Ana',
  'Luis',
  'Sofía',
  'Carlos',
  'Valentina',
  'Miguel',
  'Camila',
  'Jorge',
  'Lucía',
  'Andrés',
  'Daniela',
  'Fernando',
  'Mariana',
  'Ricardo',
  'Paola',
  'Diego',
  'Fernanda',
  'Alejandro',
  'Gabriela',
  'Javier',
  'Ximena',
  'Roberto',
  'Renata',
  'Héctor',
  'Natalia',
  'Raúl',
  'Isabel',
  'Óscar',
  'Carmen',
  'Sergio',
  'Verónica',
  'Iván',
  'Rocío',
  'Martín',
  'Alondra',
  'Ángel',
]
const LAST_NAMES = [
  'García',
  'Hernández',
  'López',
  'Martínez',
  'González',
  'Pérez',
  'Rodríguez',
  'Sánchez',
  'Ramírez',
  'Cruz',
  'Flores',
  'Gómez',
  'Morales',
  'Vázquez',
  'Reyes',
  'Jiménez',
  'Torres',
  'Díaz',
  'Gutiérrez',
  'Ruiz',
  'Mendoza',
  'Aguilar',
  'Ortiz',
  'Moreno',
  'Castillo',
  'Romero',
  'Álvarez',
  'Méndez',
  'Chávez',
  'Rivera',
  'Núñez',
  'Muñoz',
  'Peña',
  'Ibáñez',
  'Castañeda',
]
const PRODUCTS = [
  'tenis blancos',
  'tenis para correr',
  'playera de algodón',
  'sudadera con capucha',
  'botas de piel',
  'mochila escolar',
  'gorra bordada',
  'pantalón de mezclilla',
  'vestido floral',
  'chamarra impermeable',
  'sandalias',
  'bolsa de mano',
  'cinturón de piel',
  'calcetas deportivas',
  'pijama de franela',
  'lentes de sol',
  'reloj digital',
  'termo de acero',
  'funda para celular',
  'audífonos inalámbricos',
  'pastel de tres leches',
  'caja de galletas',
  'ramo de rosas',
  'vela aromática',
  'taza personalizada',
]
const CITIES = [
  'Monterrey',
  'Guadalajara',
  'Puebla',
  'Querétaro',
  'Mérida',
  'Tijuana',
  'León',
  'Oaxaca',
  'Toluca',
  'Cancún',
  'Bogotá',
  'Medellín',
  'Lima',
  'Arequipa',
  'Santiago',
  'Quito',
  'Córdoba',
  'Asunción',
]
const CUSTOMER_TEXTS = [
  'Hola, buenas tardes',
  'Hola! ¿Tienen {p}?',
  '¿Cuánto cuesta {p}?',
  '¿Tienen {p} en talla {n}?',
  '¿Hacen envíos a {c}?',
  '¿Cuánto tarda el envío a {c}?',
  'Quiero pedir {q} {p}',
  '¿Aceptan pago con tarjeta?',
  '¿Puedo pagar en efectivo al recibir?',
  '¿Me pasan el número de cuenta para la transferencia?',
  'Ya hice el pago, les mando el comprobante',
  '¿A qué hora abren mañana?',
  '¿Tienen tienda física en {c}?',
  'Gracias!! 🙌',
  'Perfecto, muchas gracias',
  '¿Me pueden hacer factura?',
  'Mi pedido #{o} no ha llegado',
  '¿Dónde viene mi paquete? Pedido {o}',
  '¿Tienen descuento por mayoreo?',
  'Quiero cambiar {p} por otra talla',
  'Me llegó dañado, ¿cómo hago la devolución?',
  '¿El {p} viene en otros colores?',
  'Busco un regalo para mi mamá, ¿qué me recomiendan?',
  'Ok, lo pienso y les aviso',
  'Quiero hablar con una persona por favor',
  'Sí, ese me interesa',
  'Mándeme fotos del {p} por favor',
  '¿Siguen teniendo la promoción del 2x1?',
]
const BOT_TEXTS = [
  '¡Hola! Gracias por escribirnos 😊 ¿En qué te puedo ayudar?',
  'Sí, tenemos {p} a ${m}. ¿Te lo aparto?',
  'El {p} cuesta ${m} e incluye garantía de 30 días.',
  'Hacemos envíos a {c}: llega en 2 a 4 días hábiles y cuesta $99.',
  'Aceptamos tarjeta, transferencia y pago en OXXO.',
  'Nuestro horario es de lunes a sábado de 10:00 a 19:00.',
  'Tu pedido #{o} va en camino, la guía es {g}.',
  'Claro, en talla {n} nos quedan 3 piezas.',
  'Con gusto te paso con una persona del equipo para ayudarte mejor.',
  'Para cambios tienes 30 días con tu ticket. ¿Quieres que te ayude a iniciarlo?',
  '¡Listo! Tu pedido quedó registrado con el número #{o}.',
  'Por compras de más de 6 piezas tienes 15% de descuento.',
]
const HUMAN_TEXTS = [
  'Hola, soy {f} de la tienda. Ya revisé tu pedido.',
  'Te acabo de enviar la guía por aquí: {g}',
  'Disculpa la demora, ya quedó tu reembolso.',
  'Sí te podemos facturar, mándame tus datos fiscales por favor.',
  'Te lo aparto hasta mañana a las 6.',
  'Gracias por tu compra, {f}. ¡Que lo disfrutes!',
  'Ya hablé con paquetería, te llega el {d}.',
  'Mañana te confirmo existencias de {p}.',
]

/**
 * A text[] literal. Question marks are escaped: the query builder would
 * read them as bindings.
 */
function sqlArray(values: string[]) {
  const literal = (value: string) => `'${value.replace(/'/g, "''").replace(/\?/g, '\\?')}'`
  return `ARRAY[${values.map(literal).join(', ')}]`
}

/**
 * One customer per conversation: a WhatsApp name for most, a name the
 * owner typed for some, and a phone number from a block no real seed uses.
 * Most conversations are resolved; the open ones carry the work: unread
 * messages, a few handoffs, bots paused.
 */
const CONVERSATIONS_SQL = `
  WITH made AS (
    INSERT INTO contacts (business_id, wa_jid, phone, push_name, name, first_seen_at, created_at, updated_at)
    SELECT :business,
           phone || '@s.whatsapp.net',
           phone,
           CASE WHEN i % 9 = 0 THEN NULL
                ELSE (${sqlArray(FIRST_NAMES)})[1 + (i * 7) % ${FIRST_NAMES.length}]
                     || CASE WHEN i % 3 = 0 THEN ' ' || (${sqlArray(LAST_NAMES)})[1 + (i * 13) % ${LAST_NAMES.length}] ELSE '' END
           END,
           CASE WHEN i % 5 = 0
                THEN (${sqlArray(FIRST_NAMES)})[1 + (i * 11) % ${FIRST_NAMES.length}] || ' '
                     || (${sqlArray(LAST_NAMES)})[1 + (i * 17) % ${LAST_NAMES.length}]
           END,
           first_seen, first_seen, first_seen
    FROM (
      SELECT i,
             '521' || (9900000000 + :offset::int + i)::text AS phone,
             now() - interval '400 days' + (i::float / :conversations::int) * interval '180 days' AS first_seen
      FROM generate_series(1, :conversations::int) AS i
    ) AS seeds
    RETURNING id, first_seen_at
  )
  INSERT INTO conversations (business_id, contact_id, status, unread_count, needs_human,
    handoff_reason, bot_enabled, bot_paused_until, created_at, updated_at)
  SELECT :business, id,
         CASE WHEN r < 0.3 THEN 'open' ELSE 'resolved' END,
         CASE WHEN r < 0.12 THEN 1 + floor(random() * 5)::int ELSE 0 END,
         r < 0.01,
         CASE WHEN r < 0.01 THEN (ARRAY['El cliente pidió hablar con una persona',
           'Pregunta por una factura', 'Reclamo por un pedido dañado'])[1 + floor(random() * 3)::int] END,
         NOT (r >= 0.01 AND r < 0.015),
         CASE WHEN r >= 0.015 AND r < 0.03 THEN now() + interval '45 minutes'
              WHEN r >= 0.03 AND r < 0.1 THEN now() - interval '3 days' END,
         first_seen_at, now()
  FROM (SELECT id, first_seen_at, random() AS r FROM made) AS fresh
`

/**
 * The messages: every conversation gets at least one; 2% of them all go to
 * one very long conversation (the regular customer); the rest are spread
 * over the others. Each conversation's activity ends at its own moment in
 * the last 180 days; half of what is said comes from customers, the rest
 * from the bot (mostly) and people, with media, locations, and some
 * failed sends with their reasons.
 *
 * Rows are inserted in (conversation, time) order with time-ordered ids
 * (UUIDv7: this run's start, then a counter), so the primary key and the
 * history index grow in order instead of taking a random page per row.
 */
const MESSAGES_SQL = `
  WITH numbered AS (
    SELECT id, row_number() OVER (ORDER BY created_at, id) AS k,
           count(*) OVER () AS total
    FROM conversations
    WHERE business_id = :business
      AND last_message_at IS NULL
  ),
  draws AS (
    SELECT n,
           CASE WHEN n <= :conversations::int THEN n
                WHEN n <= :conversations::int + (:messages::int - :conversations::int) / 50 THEN 1
                ELSE 1 + floor(random() * :conversations::int)::int END AS k,
           random() AS who, random() AS kind, random() AS age, random() AS fate,
           floor(random() * 1000)::int AS pick
    FROM generate_series(1, :messages::int) AS n
  ),
  shaped AS (
    SELECT numbered.id AS conversation_id,
           draws.*,
           now() - ((numbered.k::float / numbered.total) * interval '180 days')
             - (CASE WHEN draws.k = 1 THEN draws.age * interval '170 days' ELSE draws.age * interval '6 days' END)
             AS sent_at,
           CASE WHEN who < 0.5 THEN 'customer' WHEN who < 0.85 THEN 'bot' ELSE 'human' END AS author,
           CASE WHEN kind < 0.90 THEN 'text'
                WHEN who >= 0.5 THEN CASE WHEN kind < 0.97 THEN 'image' ELSE 'document' END
                WHEN kind < 0.94 THEN 'image' WHEN kind < 0.97 THEN 'audio'
                WHEN kind < 0.98 THEN 'location' WHEN kind < 0.99 THEN 'document'
                WHEN kind < 0.995 THEN 'sticker' ELSE 'unsupported' END AS type
    FROM draws
    JOIN numbered ON numbered.k = draws.k
  ),
  ordered AS (
    SELECT shaped.*,
           lpad(to_hex(:run::bigint), 12, '0')
             || lpad(to_hex(row_number() OVER (ORDER BY conversation_id, sent_at)), 20, '0') AS hex
    FROM shaped
  )
  INSERT INTO messages (id, business_id, conversation_id, direction, author, type, body, media_mime,
    media_name, meta, status, error, sent_at, created_at, updated_at)
  SELECT (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-7' || substr(hex, 14, 3) || '-8'
            || substr(hex, 18, 3) || '-' || substr(hex, 21, 12))::uuid,
         :business, conversation_id,
         CASE WHEN author = 'customer' THEN 'inbound' ELSE 'outbound' END,
         author, type,
         CASE
           WHEN type = 'text' THEN
             replace(replace(replace(replace(replace(replace(replace(replace(replace(
               CASE author
                 WHEN 'customer' THEN (${sqlArray(CUSTOMER_TEXTS)})[1 + pick % ${CUSTOMER_TEXTS.length}]
                 WHEN 'bot' THEN (${sqlArray(BOT_TEXTS)})[1 + pick % ${BOT_TEXTS.length}]
                 ELSE (${sqlArray(HUMAN_TEXTS)})[1 + pick % ${HUMAN_TEXTS.length}]
               END,
               '{p}', (${sqlArray(PRODUCTS)})[1 + (pick * 7 + n) % ${PRODUCTS.length}]),
               '{c}', (${sqlArray(CITIES)})[1 + (pick * 3 + n) % ${CITIES.length}]),
               '{n}', (22 + (n % 9))::text),
               '{q}', (1 + (n % 4))::text),
               '{m}', (199 + (pick * 37) % 2800)::text || '.00'),
               '{o}', (10000 + n % 90000)::text),
               '{g}', 'MX' || (700000000 + n)::text),
               '{f}', (${sqlArray(FIRST_NAMES)})[1 + pick % ${FIRST_NAMES.length}]),
               '{d}', (1 + n % 28)::text || ' de ' || (ARRAY['enero','febrero','marzo','abril','mayo','junio'])[1 + n % 6])
           WHEN type = 'image' AND pick % 2 = 0 THEN '¿Lo tienen así pero en ' || (ARRAY['negro','rojo','azul','blanco'])[1 + pick % 4] || '\\?'
           WHEN type = 'location' THEN (${sqlArray(CITIES)})[1 + pick % ${CITIES.length}] || ', centro'
           WHEN type = 'document' THEN 'Cotización ' || (1000 + pick)::text
         END,
         CASE type WHEN 'image' THEN 'image/jpeg' WHEN 'audio' THEN 'audio/ogg; codecs=opus'
                   WHEN 'document' THEN 'application/pdf' WHEN 'sticker' THEN 'image/webp' END,
         CASE WHEN type = 'document' THEN 'cotizacion-' || (1000 + pick)::text || '.pdf' END,
         CASE WHEN type = 'location' THEN jsonb_build_object('latitude', 19 + pick / 1000.0, 'longitude', -99 - pick / 1000.0)
              WHEN type = 'unsupported' THEN jsonb_build_object('gatewayType', 'pollCreationMessageV3') END,
         CASE WHEN author = 'customer' THEN 'received'
              WHEN fate < 0.03 THEN 'failed' WHEN fate < 0.13 THEN 'sent'
              WHEN fate < 0.38 THEN 'delivered' ELSE 'read' END,
         CASE WHEN author <> 'customer' AND fate < 0.03 THEN
           (ARRAY['not_on_whatsapp', 'gateway_unavailable', 'rejected: Media upload failed'])[1 + pick % 3] END,
         sent_at, sent_at, sent_at
  FROM ordered
  ORDER BY hex
`

/**
 * Each conversation's place in the list: its last message's time, text
 * and direction.
 */
const LAST_MESSAGE_SQL = `
  UPDATE conversations
  SET last_message_at = last.sent_at,
      last_message_preview = left(regexp_replace(coalesce(last.body, '[' || last.type || ']'), '\\s+', ' ', 'g'), 200),
      last_message_direction = last.direction,
      unread_count = CASE WHEN conversations.status = 'open' AND last.direction = 'inbound'
                          THEN conversations.unread_count ELSE 0 END
  FROM (
    SELECT DISTINCT ON (conversation_id) conversation_id, sent_at, body, type, direction
    FROM messages
    WHERE business_id = :business
      AND conversation_id IN (SELECT id FROM conversations WHERE business_id = :business AND last_message_at IS NULL)
    ORDER BY conversation_id, sent_at DESC, id DESC
  ) AS last
  WHERE conversations.id = last.conversation_id
`
