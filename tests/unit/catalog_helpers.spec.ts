import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import ImageDownloader, { ImageDownloadError, isPrivateAddress } from '#services/image_downloader'
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

test.group('Image downloads (SSRF guard)', (group) => {
  let server: Server
  let origin: string

  group.setup(async () => {
    server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(images.png)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return () => new Promise<void>((resolve) => server.close(() => resolve()))
  })

  test('recognises private, loopback and metadata addresses', ({ assert }) => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.10',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      assert.isTrue(isPrivateAddress(address), address)
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) {
      assert.isFalse(isPrivateAddress(address), address)
    }
  })

  test('outside tests, refuses loopback by IP and by name, and non-http(s)', async ({ assert }) => {
    const strict = new ImageDownloader({ allowPrivateAddresses: false })
    const reasonOf = async (url: string) => {
      try {
        await strict.download(url)
        return 'downloaded'
      } catch (error) {
        return error instanceof ImageDownloadError ? error.reason : String(error)
      }
    }
    assert.equal(await reasonOf(`${origin}/x.png`), 'blocked_address')
    assert.equal(
      await reasonOf(origin.replace('127.0.0.1', 'localhost') + '/x.png'),
      'blocked_address'
    )
    assert.equal(await reasonOf('http://[::1]/x.png'), 'blocked_address')
    assert.equal(await reasonOf('http://169.254.169.254/latest/meta-data'), 'blocked_address')
    assert.equal(await reasonOf('file:///etc/passwd'), 'invalid_url')
    assert.equal(await reasonOf('ftp://example.com/x.png'), 'invalid_url')
  })

  test('in tests, 127.0.0.1 is allowed and the bytes come back', async ({ assert }) => {
    const { bytes, kind } = await new ImageDownloader().download(`${origin}/x.png`)
    assert.deepEqual(bytes, images.png)
    assert.equal(kind.contentType, 'image/png')
  })

  test('gives up on a server that does not answer', async ({ assert }) => {
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as AddressInfo).port
    try {
      await new ImageDownloader({ timeoutMs: 300 }).download(`http://127.0.0.1:${port}/x.png`)
      assert.fail('should time out')
    } catch (error) {
      assert.equal((error as ImageDownloadError).reason, 'timeout')
    } finally {
      silent.closeAllConnections()
      silent.close()
    }
  })
})
