import { test } from '@japa/runner'
import sharp from 'sharp'
import { fingerprint, PhotoFingerprint, PhotoMatcher } from '#services/catalog/photo_fingerprint'

/**
 * A sneaker photographed on a plain backdrop, as a shop uploads it.
 */
function sneaker(colour: string, backdrop = '#f6f6f4') {
  return draw(`
<rect width="1000" height="1000" fill="${backdrop}"/>
<ellipse cx="500" cy="720" rx="380" ry="40" fill="#000" fill-opacity="0.15"/>
<path d="M 130 640 C 130 420, 330 300, 430 300 L 590 340 C 680 480, 840 560, 870 640 Z" fill="${colour}"/>
<rect x="110" y="640" width="780" height="80" rx="30" fill="#eeeeee"/>
<path d="M 250 580 Q 500 470 760 560" stroke="#ffd23f" stroke-width="30" fill="none"/>
<text x="500" y="440" font-family="DejaVu Sans" font-size="60" font-weight="bold" fill="#ffffff" text-anchor="middle">VELOZ</text>`)
}

function bottle() {
  return draw(`
<rect width="1000" height="1000" fill="#c9d6e8"/>
<rect x="380" y="140" width="240" height="90" rx="16" fill="#1b998b"/>
<rect x="430" y="220" width="140" height="180" fill="#2e294e"/>
<rect x="320" y="380" width="360" height="500" rx="80" fill="#2e294e"/>
<rect x="320" y="540" width="360" height="180" fill="#f1e9da"/>
<text x="500" y="650" font-family="DejaVu Serif" font-size="70" fill="#2e294e" text-anchor="middle">Andes</text>`)
}

function shirtOnWood() {
  const planks = Array.from(
    { length: 10 },
    (_, index) =>
      `<rect x="${index * 100}" width="96" height="1000" fill="hsl(${20 + (index % 3) * 6} 45% ${35 + (index % 4) * 7}%)"/>`
  ).join('')
  return draw(`
<rect width="1000" height="1000" fill="#3b2a1a"/>${planks}
<path d="M 350 170 L 170 260 L 110 430 L 260 480 L 260 860 L 740 860 L 740 480 L 890 430 L 830 260 L 650 170 Q 500 260 350 170 Z" fill="#3a86ff"/>
<circle cx="500" cy="520" r="120" fill="#ff006e"/>`)
}

function draw(body: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000">${body}</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer()
}

/**
 * The photo as a phone screenshot of an Instagram post: bands with the
 * account, icons and caption above and below it, as WhatsApp sends it.
 */
async function screenshot(photo: Buffer) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="2000">
<rect width="1080" height="2000" fill="#ffffff"/>
<text x="60" y="60" font-family="DejaVu Sans" font-size="34" font-weight="bold" fill="#262626">9:41</text>
<circle cx="80" cy="200" r="32" fill="#e1306c"/>
<text x="130" y="212" font-family="DejaVu Sans" font-size="30" font-weight="bold" fill="#262626">tienda_lupita</text>
<circle cx="70" cy="1400" r="26" fill="none" stroke="#262626" stroke-width="5"/>
<text x="40" y="1500" font-family="DejaVu Sans" font-size="30" fill="#262626">Le gusta a 1.234 personas</text>
<text x="40" y="1550" font-family="DejaVu Sans" font-size="30" fill="#262626">Nuevos modelos, envíos a todo México</text>
</svg>`
  const framed = await sharp(Buffer.from(svg))
    .composite([{ input: await sharp(photo).resize(1080).toBuffer(), top: 260, left: 0 }])
    .png()
    .toBuffer()
  return sharp(framed).resize({ height: 1600 }).jpeg({ quality: 60 }).toBuffer()
}

test.group('Catalog photo matching', (group) => {
  let matcher: PhotoMatcher
  let redSneaker: Buffer
  group.setup(async () => {
    redSneaker = await sneaker('#d62828')
    const stored = async (photo: Buffer) => {
      const print = await fingerprint(photo)
      return print.toBuffer()
    }
    const catalog: [string, Buffer][] = [
      ['red-sneaker', await stored(redSneaker)],
      ['bottle', await stored(await bottle())],
      ['shirt', await stored(await shirtOnWood())],
    ]
    matcher = new PhotoMatcher(catalog)
  })

  test('the shop photo as WhatsApp and customers send it back is its product', async ({
    assert,
  }) => {
    const variants = {
      'recompressed': await sharp(redSneaker).jpeg({ quality: 60 }).toBuffer(),
      'resized to 320 px': await sharp(redSneaker).resize(320).jpeg({ quality: 60 }).toBuffer(),
      'cropped 10 %': await sharp(redSneaker)
        .extract({ left: 80, top: 20, width: 900, height: 900 })
        .jpeg({ quality: 60 })
        .toBuffer(),
      'a screenshot of the Instagram post': await screenshot(redSneaker),
      'darker': await sharp(redSneaker)
        .modulate({ brightness: 0.9 })
        .jpeg({ quality: 60 })
        .toBuffer(),
    }
    for (const [name, bytes] of Object.entries(variants)) {
      const answer = matcher.match(await fingerprint(bytes))
      assert.equal(answer?.productId, 'red-sneaker', name)
      assert.equal(answer?.confidence, 'match', name)
    }
    const shirt = await sharp(await shirtOnWood())
      .extract({ left: 0, top: 100, width: 900, height: 900 })
      .jpeg({ quality: 60 })
      .toBuffer()
    assert.equal(matcher.match(await fingerprint(shirt))?.productId, 'shirt')
  })

  test('a photo of something else is not matched', async ({ assert }) => {
    const other = await draw(`
<rect width="1000" height="1000" fill="#ffffff"/>
<rect x="200" y="300" width="600" height="420" rx="30" fill="#222222"/>
<rect x="250" y="350" width="500" height="300" fill="#8ecae6"/>`)
    assert.isNull(matcher.match(await fingerprint(other)))
  })

  test('the same sneaker in another colour is at most "near", never a match', async ({
    assert,
  }) => {
    const blue = matcher.match(await fingerprint(await sneaker('#1d3557')))
    assert.notEqual(blue?.confidence, 'match')
  })

  test('a fingerprint survives its bytes; other bytes are refused', async ({ assert }) => {
    const print = await fingerprint(redSneaker)
    const stored = PhotoFingerprint.fromBuffer(print.toBuffer())
    assert.deepEqual(stored.views, print.views)
    assert.throws(() => PhotoFingerprint.fromBuffer(Buffer.from('not a fingerprint')))
  })
})
