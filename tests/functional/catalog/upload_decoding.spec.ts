import { crc32, deflateSync } from 'node:zlib'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import sharp from 'sharp'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { countProducts, images } from '#tests/helpers/catalog'

/**
 * A PNG whose header says width × height pixels, with the data of a few
 * rows only: what a pixel bomb promises, without the seconds sharp takes
 * to write one for real.
 */
function pngClaiming(width: number, height: number) {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const checksum = Buffer.alloc(4)
    checksum.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, checksum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8
  header[9] = 2
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc((width * 3 + 1) * 4))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/**
 * A phone's photo: 40 × 20 pixels stored sideways (EXIF orientation 6,
 * shown 20 × 40), with where it was taken.
 */
async function phonePhoto() {
  const withGps = await sharp({
    create: { width: 40, height: 20, channels: 3, background: '#c0392b' },
  })
    .jpeg()
    .withExif({
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '19/1 25/1 57/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '99/1 7/1 59/1',
      },
    })
    .toBuffer()
  return sharp(withGps).withMetadata({ orientation: 6 }).jpeg().toBuffer()
}

/**
 * Uploaded photos are decoded, not only recognised by their first and
 * last bytes: what does not decode, or decodes to more pixels than a
 * browser should be handed, is refused; what is kept is the image
 * written again, upright and without its metadata.
 */
test.group('Uploaded images are decoded and written again', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  const keyOf = (url: string) => new URL(url, 'http://local').pathname.replace('/uploads/', '')

  async function upload(client: any, bytes: Buffer, filename: string, locale = 'es') {
    const { user, business } = await createOwnerWithBusiness()
    const response = await client
      .post('/products')
      .bearerToken(await tokenFor(user))
      .header('accept-language', locale)
      .field('business_id', business.id)
      .field('title', 'Foto')
      .field('price', '10')
      .file('image', bytes, { filename })
    return { response, business }
  }

  async function storedFiles(businessId: string) {
    const listed = await drive.use('fs').listAll(`businesses/${businessId}/`, { recursive: true })
    return [...listed.objects]
  }

  test('an HTML page in a PNG or a JPEG frame is refused and nothing is stored', async ({
    client,
    assert,
  }) => {
    for (const [bytes, filename] of [
      [images.htmlInPng, 'foto.png'],
      [images.htmlInJpeg, 'foto.jpg'],
    ] as const) {
      const { response, business } = await upload(client, bytes, filename)
      response.assertStatus(422)
      assert.deepEqual(response.body().errors, [
        { field: 'image', message: 'El archivo no es una imagen JPG, PNG o WebP.' },
      ])
      assert.equal(await countProducts(business), 0)
      assert.lengthOf(await storedFiles(business.id), 0)
    }
  })

  test('an image of more than 40 megapixels is refused from its header', async ({
    client,
    assert,
  }) => {
    const bomb = pngClaiming(20_000, 20_000)

    const { response, business } = await upload(client, bomb, 'plano.png')
    response.assertStatus(422)
    assert.deepEqual(response.body().errors, [
      { field: 'image', message: 'La imagen es demasiado grande (máximo 40 megapíxeles).' },
    ])
    assert.lengthOf(await storedFiles(business.id), 0)

    const english = await upload(client, bomb, 'plan.png', 'en')
    assert.equal(
      english.response.body().errors[0].message,
      'The image is too large (40 megapixels at most).'
    )
  })

  test('a phone photo is stored upright, without its EXIF and where it was taken', async ({
    client,
    assert,
  }) => {
    const photo = await phonePhoto()
    const sent = await sharp(photo).metadata()
    assert.equal(sent.orientation, 6)
    assert.include(sent.exif!.toString('latin1'), 'N\u0000')

    const { response } = await upload(client, photo, 'IMG_0001.jpg')
    response.assertStatus(201)
    const key = keyOf(response.body().imageUrl)
    assert.match(key, /\.jpg$/)

    const stored = await sharp(await drive.use('fs').getBytes(key)).metadata()
    assert.equal(stored.format, 'jpeg')
    assert.deepEqual([stored.width, stored.height], [20, 40])
    assert.isUndefined(stored.orientation)
    assert.isUndefined(stored.exif)

    const served = await client.get(response.body().imageUrl)
    served.assertStatus(200)
    assert.equal(served.header('content-type'), 'image/jpeg')
  })

  test('each format stays itself: a transparent PNG, an animated WebP', async ({
    client,
    assert,
  }) => {
    const transparent = await sharp({
      create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer()
    const png = await upload(client, transparent, 'logo.png')
    const pngKey = keyOf(png.response.body().imageUrl)
    assert.match(pngKey, /\.png$/)
    const storedPng = await sharp(await drive.use('fs').getBytes(pngKey)).metadata()
    assert.equal(storedPng.format, 'png')
    assert.isTrue(storedPng.hasAlpha)

    const frames = await Promise.all(
      ['#e74c3c', '#27ae60', '#2980b9'].map((background) =>
        sharp({ create: { width: 8, height: 8, channels: 3, background } })
          .raw()
          .toBuffer()
      )
    )
    const animated = await sharp(Buffer.concat(frames), {
      raw: { width: 8, height: 24, channels: 3, pageHeight: 8 },
    })
      .webp({ loop: 0, delay: [200, 200, 400] })
      .toBuffer()
    const webp = await upload(client, animated, 'giro.webp')
    const webpKey = keyOf(webp.response.body().imageUrl)
    assert.match(webpKey, /\.webp$/)
    const storedWebp = await sharp(await drive.use('fs').getBytes(webpKey), {
      animated: true,
    }).metadata()
    assert.equal(storedWebp.pages, 3)
    assert.deepEqual(storedWebp.delay, [200, 200, 400])
  })
})
