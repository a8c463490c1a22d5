import { test } from '@japa/runner'
import { sniffImage } from '#services/media_storage'
import { parseMoney } from '#validators/product'
import { images } from '#tests/helpers/catalog'

test.group('Money parsing', () => {
  test('reads prices exactly, never through floating point', ({ assert }) => {
    assert.equal(parseMoney('1999.99'), '1999.99')
    assert.equal(parseMoney(1999.99), '1999.99')
    assert.equal(parseMoney('0,5'), '0.50')
    assert.equal(parseMoney('007'), '7.00')
    assert.equal(parseMoney(0.1 + 0.2), null)
    for (const bad of [
      '1.999',
      '1,999.00',
      '-1',
      '1e3',
      '',
      'abc',
      '12345678901',
      null,
      Number.NaN,
    ]) {
      assert.isNull(parseMoney(bad), String(bad))
    }
  })
})

test.group('Image sniffing', () => {
  test('knows images by their bytes, not their names', ({ assert }) => {
    assert.equal(sniffImage(images.png)?.extension, 'png')
    assert.equal(sniffImage(images.jpeg)?.extension, 'jpg')
    assert.equal(sniffImage(images.webp)?.extension, 'webp')
    assert.isNull(sniffImage(images.fakeJpeg))
    assert.isNull(sniffImage(Buffer.from('GIF89a')))
    assert.isNull(sniffImage(Buffer.from('RIFF0000WAVE')))
  })
})
