/**
 * The floor of the webhook ingest benchmark: a bare node:http server that
 * reads the same delivery body, parses the same JSON and stores the message
 * with one INSERT through pg (same table, same indexes, same idempotency by
 * the gateway's id), with a pool as large as the app's. Nothing else: no
 * framework, no authorization, no contact or conversation, no live event.
 *
 *   DATABASE_URL=... PORT=... BUSINESS_ID=... CONVERSATION_ID=... node floor_server.js
 *
 * Prints "ready" once listening.
 */
import { createServer } from 'node:http'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const businessId = process.env.BUSINESS_ID
const conversationId = process.env.CONVERSATION_ID

const INSERT = `INSERT INTO messages (business_id, conversation_id, direction, author, type, body,
    gateway_message_id, status, sent_at, created_at, updated_at)
  VALUES ($1, $2, 'inbound', 'customer', 'text', $3, $4, 'received', $5, now(), now())
  ON CONFLICT (business_id, gateway_message_id) WHERE gateway_message_id IS NOT NULL DO NOTHING`

const server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', async () => {
    try {
      const delivery = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      const data = delivery.data
      await pool.query(INSERT, [
        businessId,
        conversationId,
        data.message.conversation,
        data.key.id,
        new Date(data.messageTimestamp * 1000).toISOString(),
      ])
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{"received":1}')
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: String(error) }))
    }
  })
})

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'))

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    void pool.end().finally(() => process.exit(0))
  })
}
