import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'

/**
 * A QR-looking PNG for the simulator (it encodes nothing: there is no
 * phone to scan it). Deterministic for a given seed.
 */
export function simulatedQrDataUrl(seed: string) {
  const modules = 29
  const scale = 8
  const quiet = 4
  const size = (modules + quiet * 2) * scale
  const bits = createHash('sha512').update(seed).digest()

  const dark = (x: number, y: number) => {
    const finder = (fx: number, fy: number) => {
      const dx = x - fx
      const dy = y - fy
      if (dx < 0 || dy < 0 || dx > 6 || dy > 6) return null
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3))
      return ring !== 2
    }
    const inFinder = finder(0, 0) ?? finder(modules - 7, 0) ?? finder(0, modules - 7)
    if (inFinder !== null) return inFinder
    const index = (y * modules + x) % (bits.length * 8)
    return ((bits[index >> 3] >> (index & 7)) & 1) === 1
  }

  const rows: Buffer[] = []
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size)
    for (let px = 0; px < size; px++) {
      const mx = Math.floor(px / scale) - quiet
      const my = Math.floor(py / scale) - quiet
      const inside = mx >= 0 && my >= 0 && mx < modules && my < modules
      row[1 + px] = inside && dark(mx, my) ? 0 : 255
    }
    rows.push(row)
  }

  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8
  header[9] = 0
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
  return `data:image/png;base64,${png.toString('base64')}`
}

function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed) >>> 0)
  return Buffer.concat([length, typed, crc])
}
