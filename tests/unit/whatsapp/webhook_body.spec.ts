import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { FILE_MARKER, WebhookBodyError, readWebhookBody } from '#services/whatsapp/webhook_body'

/**
 * A request body arriving in chunks of the given sizes (cycled).
 */
function requestOf(body: string, sizes: number[] = [64 * 1024]) {
  const bytes = Buffer.from(body)
  const chunks: Buffer[] = []
  for (let at = 0, index = 0; at < bytes.length; index++) {
    const size = sizes[index % sizes.length]
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return Readable.from(chunks) as unknown as IncomingMessage
}

const LIMITS = { maxJsonBytes: 1024 * 1024, maxFileBytes: 64 * 1024, inlineBytes: 1024 }

function delivery(base64: string, caption = 'Mira este video') {
  return JSON.stringify({
    event: 'messages.upsert',
    instance: 'biz-1',
    data: {
      key: { id: 'V-1' },
      message: { videoMessage: { caption, mimetype: 'video/mp4' }, base64 },
    },
  })
}

test.group('Webhook body reader', () => {
  test('an inlined file is decoded to disk, whatever the chunk boundaries', async ({ assert }) => {
    const file = randomBytes(20_000)
    for (const sizes of [[1], [7, 3, 11], [4096], [1_000_000]]) {
      const read = await readWebhookBody(
        requestOf(delivery(file.toString('base64')), sizes),
        LIMITS
      )
      const body = read.body as any
      assert.equal(body.data.message.videoMessage.caption, 'Mira este video')
      assert.equal(body.data.message.base64, `${FILE_MARKER}0`)
      assert.lengthOf(read.files, 1)
      assert.deepEqual(await readFile(read.files[0].path), file)
      assert.equal(read.files[0].bytes, file.length)
      await read.cleanup()
      await assert.rejects(() => stat(read.files[0].path))
    }
  })

  test('a short base64 (a QR code) stays in the JSON', async ({ assert }) => {
    const qr = 'data:image/png;base64,iVBORw0KGgo='
    const body = JSON.stringify({ event: 'qrcode.updated', data: { qrcode: { base64: qr } } })
    const read = await readWebhookBody(requestOf(body, [5]), LIMITS)
    assert.deepEqual(read.body, JSON.parse(body))
    assert.lengthOf(read.files, 0)
  })

  test('the key written inside a customer’s text is not taken for a file', async ({ assert }) => {
    const text = `"base64":"${'A'.repeat(5000)}" \\"base64\\":\\"x`
    const body = JSON.stringify({ data: { message: { conversation: text } } })
    const read = await readWebhookBody(requestOf(body, [3]), LIMITS)
    assert.deepEqual(read.body, JSON.parse(body))
    assert.lengthOf(read.files, 0)
  })

  test('a file over the cap is only counted; the message is kept', async ({ assert }) => {
    const file = randomBytes(100_000)
    const read = await readWebhookBody(requestOf(delivery(file.toString('base64'))), LIMITS)
    assert.equal((read.body as any).data.message.videoMessage.caption, 'Mira este video')
    assert.isTrue(read.files[0].truncated)
    assert.equal(read.files[0].bytes, file.length)
    await read.cleanup()
  })

  test('malformed JSON is a 400; JSON over its limit without files a 413', async ({ assert }) => {
    const malformed = await readWebhookBody(requestOf('{"event":'), LIMITS).catch((e) => e)
    assert.instanceOf(malformed, WebhookBodyError)
    assert.equal(malformed.status, 400)

    const long = JSON.stringify({ data: { message: { conversation: 'a'.repeat(2_000_000) } } })
    const tooLarge = await readWebhookBody(requestOf(long), LIMITS).catch((e) => e)
    assert.instanceOf(tooLarge, WebhookBodyError)
    assert.equal(tooLarge.status, 413)
  })
})
