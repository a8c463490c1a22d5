import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import sharp from 'sharp'
import CatalogPhotos from '#services/catalog/catalog_photos'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { addProduct, agentHarness, readyForAgent } from '#tests/helpers/agent'

/**
 * The owner tries the agent with what customers really send: a photo of
 * one of the shop's products (recognised, and the model is told) and a
 * voice note (its transcript shown, then answered).
 */
test.group('Playground with a photo and a voice note', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())
  const { openai } = harness

  test('a catalog photo is matched and a voice note is heard', async ({
    browserContext,
    visit,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Tenis del Centro')
    await readyForAgent(business)
    const photo = await sharp({
      create: { width: 600, height: 600, channels: 3, background: '#f4efe6' },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><ellipse cx="300" cy="380" rx="220" ry="80" fill="#1d4ed8"/><rect x="110" y="250" width="250" height="130" rx="40" fill="#1d4ed8"/></svg>'
          ),
        },
      ])
      .jpeg({ quality: 90 })
      .toBuffer()
    const product = await addProduct(business, { title: 'Tenis Azul Clásico', price: '749.00' })
    const catalogPhotos = await app.container.make(CatalogPhotos)
    product.photoFingerprint = await catalogPhotos.fingerprintOfBytes(photo)
    await product.save()
    await browserContext.loginAs(user)

    const page = await visit('/agent/playground')
    openai.script({ content: 'Es el Tenis Azul Clásico: $749.' })
    await page.locator('[data-testid=playground-file]').setInputFiles({
      name: 'captura.jpg',
      mimeType: 'image/jpeg',
      buffer: await sharp(photo).resize(320).jpeg({ quality: 60 }).toBuffer(),
    })
    await page.assertTextContains(
      page.locator('[data-testid=playground-attachment]'),
      'Adjunto: captura.jpg'
    )
    await page.getByLabel('Escribe como cliente…').fill('¿tienen este?')
    await page.getByRole('button', { name: 'Enviar' }).click()
    const messages = page.locator('[data-testid=playground-messages]')
    await page.assertTextContains(messages, 'Es el Tenis Azul Clásico: $749.')
    await page.assertTextContains(
      page.locator('[data-testid=playground-match]'),
      'Coincide con: Tenis Azul Clásico'
    )

    openai.transcribe = () => ({ text: '¿Y lo tienen en talla 26?' })
    openai.script({ content: 'Sí, hay talla 26.' })
    await page.locator('[data-testid=playground-file]').setInputFiles({
      name: 'nota.ogg',
      mimeType: 'audio/ogg',
      buffer: Buffer.from('OggS\u0000\u0002fake opus voice note bytes'),
    })
    await page.getByRole('button', { name: 'Enviar' }).click()
    await page.assertTextContains(messages, 'Sí, hay talla 26.')
    await page.assertTextContains(messages, '¿Y lo tienen en talla 26?')
    await page.assertTextContains(
      page.locator('[data-testid=playground-transcription]'),
      'Transcripción'
    )
  })
})
