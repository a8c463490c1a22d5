import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isBlockedAddress, OutboundError, OutboundGuard } from '#services/outbound_guard'

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` }
}

function close(server: Server) {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
}

async function reasonOf(attempt: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof attempt === 'function' ? attempt() : attempt)
    return 'allowed'
  } catch (error) {
    return error instanceof OutboundError ? error.reason : String(error)
  }
}

test.group('Outbound guard: addresses', () => {
  test('blocks loopback, private, link-local and IPv6 forms that embed them', ({ assert }) => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.10',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::',
      '::1',
      '::127.0.0.1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::FFFF:10.0.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b:1::1',
      '2001::1',
      '2002:7f00:1::',
      'fd00::1',
      'fe80::1',
      'fec0::1',
      'ff02::1',
      'localhost',
      '',
    ]) {
      assert.isTrue(isBlockedAddress(address), address)
    }
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '2001:4860:4860::8888',
      '::ffff:8.8.8.8',
    ]) {
      assert.isFalse(isBlockedAddress(address), address)
    }
  })

  test('judges the URL: scheme, credentials, and IP literals in any notation', async ({
    assert,
  }) => {
    const guard = new OutboundGuard({ httpsOnly: false })
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[2002:7f00:1::]/',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
    ]) {
      assert.equal(await reasonOf(() => guard.check(url)), 'blocked_address', url)
    }
    for (const url of [
      'file:///etc/passwd',
      'ftp://example.com/x',
      'http://user:pass@example.com/',
      'no url',
    ]) {
      assert.equal(await reasonOf(() => guard.check(url)), 'invalid_url', url)
    }
    assert.equal(await reasonOf(() => guard.check('https://api.example.com/v1')), 'allowed')
    assert.equal(
      await reasonOf(() => new OutboundGuard({ httpsOnly: true }).check('http://example.com/')),
      'insecure_url'
    )
  })

  test('the allow-list lets a named host (and port) through, and nothing else', async ({
    assert,
  }) => {
    const guard = new OutboundGuard({
      allowedHosts: [' LLM.internal. ', '127.0.0.1:8000', '[fd00::1]:9000'],
      httpsOnly: true,
    })
    assert.equal(await reasonOf(() => guard.check('http://llm.internal/v1')), 'allowed')
    assert.equal(await reasonOf(() => guard.check('http://127.0.0.1:8000/v1')), 'allowed')
    assert.equal(await reasonOf(() => guard.check('http://[fd00::1]:9000/v1')), 'allowed')
    assert.equal(await reasonOf(() => guard.check('https://127.0.0.1:8001/')), 'blocked_address')
    assert.equal(await reasonOf(() => guard.check('https://[fd00::1]/')), 'blocked_address')
  })
})

test.group('Outbound guard: connections', (group) => {
  let target: Awaited<ReturnType<typeof listen>>
  const received: string[] = []

  group.setup(async () => {
    target = await listen((req, res) => {
      received.push(`${req.method} ${req.url}`)
      if (req.url === '/hop') {
        res.writeHead(302, { location: `http://localhost:${target.host.split(':')[1]}/secret` })
        return res.end()
      }
      if (req.url === '/echo') {
        req.pipe(res)
        return
      }
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end('bytes')
    })
    return () => close(target.server)
  })
  group.each.setup(() => {
    received.length = 0
  })

  test('a name that resolves to loopback is refused at connect time', async ({ assert }) => {
    const port = target.host.split(':')[1]
    const guard = new OutboundGuard({ httpsOnly: false })
    const download = guard.download(`http://localhost:${port}/x.png`, { maxBytes: 100 })
    assert.equal(await reasonOf(download), 'blocked_address')
    assert.equal(
      await reasonOf(guard.fetch(`http://localhost:${port}/v1/models`)),
      'blocked_address'
    )
    assert.deepEqual(received, [])
  })

  test('an allowed host answers; its redirect elsewhere is checked again', async ({ assert }) => {
    const guard = new OutboundGuard({ allowedHosts: [target.host] })
    const { bytes } = await guard.download(`http://${target.host}/x.png`, { maxBytes: 100 })
    assert.equal(bytes.toString(), 'bytes')

    assert.equal(
      await reasonOf(guard.download(`http://${target.host}/hop`, { maxBytes: 100 })),
      'blocked_address'
    )
    assert.deepEqual(received, ['GET /x.png', 'GET /hop'])

    const echoed = await guard.fetch(`http://${target.host}/echo`, {
      method: 'POST',
      body: JSON.stringify({ hola: 'mundo' }),
    })
    assert.deepEqual(await echoed.json(), { hola: 'mundo' })
  })

  test('a file larger than the limit, or a server that does not answer, fails', async ({
    assert,
  }) => {
    const guard = new OutboundGuard({ allowedHosts: [target.host] })
    assert.equal(
      await reasonOf(guard.download(`http://${target.host}/x.png`, { maxBytes: 3 })),
      'too_large'
    )

    const silent = await listen(() => {})
    try {
      const slow = new OutboundGuard({ allowedHosts: [silent.host] })
      assert.equal(
        await reasonOf(slow.download(`http://${silent.host}/x`, { maxBytes: 10, timeoutMs: 300 })),
        'timeout'
      )
    } finally {
      await close(silent.server)
    }
  })
})
