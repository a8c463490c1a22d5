import sharp from 'sharp'

/**
 * Catalog photo matching without AI: a perceptual fingerprint of a
 * product photo, and PhotoMatcher, which tells which of a business's
 * products a customer's photo shows.
 *
 * What customers send back is rarely the shop's file: WhatsApp
 * re-compresses and shrinks it, people crop it, and a screenshot of the
 * shop's Instagram post puts bands of text above and below it. A hash of
 * the whole picture does not survive the frame, so a photo is described
 * by views of the region that shows the product:
 * - the photo's background is modelled as a colour plane fitted to its
 *   edges (a plain backdrop, a studio gradient, a screenshot's bands);
 *   inside it, the dominant region is either a band across the whole
 *   width (the photo of a screenshot) or the bounding box of the large
 *   areas that differ from the background (the product), without small
 *   ones (text, icons, an avatar); the search repeats inside the region
 *   found, down to the product;
 * - it is run at three foreground thresholds, so that a pale part of a
 *   product, inside at one and outside at another, still gives one view
 *   the two copies share;
 * - a photo with no background to remove (a product on wood, on a busy
 *   fabric) is described whole and, for the catalog's side, by nine 90 %
 *   crops of it (a 3 × 3 grid of offsets), one of which a customer's
 *   10 % crop lands close to.
 * Each view holds a 64-bit DCT hash of its luminance (the shape), an
 * 8 × 8 grid of its colours (which tells the red shoe from the blue one)
 * and an 8 × 8 grid of its local contrast (plain or striped, dotted,
 * printed). A query's score for a product is its closest pair of views.
 * Measured in bench/photo_match.ts (docs/performance.md, section 8).
 */

/**
 * The shorter side of the thumbnail every analysis works on (the longer
 * side at most three times that: a tall screenshot keeps its detail).
 */
const THUMBNAIL = 256
const HASH_SIZE = 32
const GRID = 8
const CELLS = GRID * GRID
const VIEW_BYTES = 8 + 1 + CELLS * 3 + CELLS
const MAX_LEVELS = 3
const FOREGROUND_THRESHOLDS = [16, 30, 48]
const CROP_OFFSETS = [0, 0.05, 0.1]

/**
 * Largest colour difference (0–255, per channel) between a pixel and the
 * background plane for the pixel to count as background on an edge.
 */
const BACKGROUND_TOLERANCE = 24
/**
 * Share of an edge's pixels the background plane must explain.
 */
const EDGE_SHARE = 0.95
/**
 * A region's outermost pixels blend into what surrounds it (a
 * screenshot's band): its analysis starts this many pixels inside.
 */
const INSET = 2
/**
 * A screenshot's photo: rows where more than BLOCK_SHARE of the pixels
 * differ from the band by more than BLOCK_THRESHOLD, across the width.
 */
const BLOCK_THRESHOLD = 12
const BLOCK_SHARE = 0.6
/**
 * Areas smaller than this share of the largest one are left out.
 */
const KEPT_SHARE = 0.15
/**
 * Edge rows and columns of a region less filled than this are trimmed.
 */
const EDGE_FILL = 0.2

/**
 * The score of a pair of views (lower is closer): the Hamming distance
 * of the hashes (0–64), plus the mean over the cells of half the
 * lightness difference (each view's own mean lightness taken out) and
 * the two colour axes' differences, plus 1.5 × the mean contrast
 * difference, plus a tenth of the difference of mean lightness (a
 * brighter copy stays close). The weights and thresholds were chosen on
 * generated photos (seeds apart from the benchmark's).
 */
const LIGHTNESS_WEIGHT = 0.5
const CONTRAST_WEIGHT = 1.5
const BRIGHTNESS_WEIGHT = 0.1
export const MATCH_SCORE = 24
export const NEAR_SCORE = 36
/**
 * A 'match' must also be clearly the best: its score at most 0.6 of the
 * second best product's, and 4 under it. Otherwise it is only 'near' (the
 * catalog holds another photo almost as close).
 */
export const SECOND_BEST_RATIO = 0.6
export const SECOND_BEST_MARGIN = 4
/**
 * Scores are followed up to here: enough to know a near product, and
 * whether the second best is far enough from a match.
 */
const TRACKED_SCORE = Math.max(NEAR_SCORE, MATCH_SCORE / SECOND_BEST_RATIO)

type Rect = { x: number; y: number; width: number; height: number }

/**
 * One view of a photo: its hash as two 32-bit words, its mean lightness,
 * its colour grid (per cell: lightness minus the mean + 128, and two
 * colour axes, red–green and yellow–blue, halved + 128) and its contrast
 * grid (per cell: the luminance's standard deviation relative to the
 * view's lightness).
 */
export type PhotoView = {
  high: number
  low: number
  lightness: number
  colours: Uint8Array
  contrast: Uint8Array
}

/**
 * A photo's fingerprint: its views, the first `primary` of them the
 * regions found in it (a query is compared through those), the others
 * crops that only the catalog's side uses. `toBuffer()` gives the bytes
 * to keep in a `bytea` column (3 + 265 bytes per view, at most 12 views);
 * `PhotoFingerprint.fromBuffer()` reads them back.
 */
export class PhotoFingerprint {
  /**
   * 2: contrast grids, mean lightness and the primary-view count (1 was
   * this cycle's first format; its rows are refreshed by
   * `node ace catalog:fingerprints`).
   */
  static readonly VERSION = 2

  /**
   * Whether stored bytes are a fingerprint of this version.
   */
  static isCurrent(bytes: Uint8Array | null) {
    return bytes !== null && bytes.byteLength > 3 && bytes[0] === PhotoFingerprint.VERSION
  }

  constructor(
    readonly views: PhotoView[],
    readonly primary = views.length
  ) {}

  toBuffer() {
    const buffer = Buffer.alloc(3 + this.views.length * VIEW_BYTES)
    buffer[0] = PhotoFingerprint.VERSION
    buffer[1] = this.views.length
    buffer[2] = this.primary
    this.views.forEach((view, index) => {
      const offset = 3 + index * VIEW_BYTES
      buffer.writeUInt32BE(view.high, offset)
      buffer.writeUInt32BE(view.low, offset + 4)
      buffer[offset + 8] = view.lightness
      buffer.set(view.colours, offset + 9)
      buffer.set(view.contrast, offset + 9 + CELLS * 3)
    })
    return buffer
  }

  static fromBuffer(bytes: Uint8Array) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const [version, count, primary] = buffer
    if (
      version !== PhotoFingerprint.VERSION ||
      buffer.length !== 3 + count * VIEW_BYTES ||
      primary > count
    ) {
      throw new Error('Not a photo fingerprint of this version')
    }
    const views: PhotoView[] = []
    for (let index = 0; index < count; index++) {
      const offset = 3 + index * VIEW_BYTES
      views.push({
        high: buffer.readUInt32BE(offset),
        low: buffer.readUInt32BE(offset + 4),
        lightness: buffer[offset + 8],
        colours: Uint8Array.from(buffer.subarray(offset + 9, offset + 9 + CELLS * 3)),
        contrast: Uint8Array.from(buffer.subarray(offset + 9 + CELLS * 3, offset + VIEW_BYTES)),
      })
    }
    return new PhotoFingerprint(views, primary)
  }
}

/**
 * The fingerprint of a photo (JPEG, PNG, WebP, GIF, HEIF…: whatever
 * sharp reads; EXIF orientation applied, transparency on white).
 */
export async function fingerprint(bytes: Uint8Array) {
  const thumbnail = await Thumbnail.of(bytes)
  const whole = { x: 0, y: 0, width: thumbnail.width, height: thumbnail.height }
  const regions: Rect[] = []
  for (const threshold of FOREGROUND_THRESHOLDS) {
    let leaf = whole
    for (let level = 1; level < MAX_LEVELS; level++) {
      const region = dominantRegion(thumbnail, leaf, threshold)
      if (!region) break
      leaf = region
    }
    if (!regions.some((region) => sameRect(region, leaf))) regions.push(leaf)
  }
  const crops: Rect[] = []
  if (regions.some((region) => sameRect(region, whole))) {
    for (const x of CROP_OFFSETS) {
      for (const y of CROP_OFFSETS) {
        crops.push({
          x: whole.width * x,
          y: whole.height * y,
          width: whole.width * 0.9,
          height: whole.height * 0.9,
        })
      }
    }
  }
  return new PhotoFingerprint(
    [...regions, ...crops].map((rect) => viewOf(thumbnail, rect)),
    regions.length
  )
}

function sameRect(a: Rect, b: Rect) {
  return (
    Math.abs(a.x - b.x) +
      Math.abs(a.y - b.y) +
      Math.abs(a.width - b.width) +
      Math.abs(a.height - b.height) <=
    2
  )
}

export type PhotoMatch = {
  productId: string
  /**
   * 'match': the photo is this product's; 'near': it looks like it
   * ("parece"), never to be presented as certain.
   */
  confidence: 'match' | 'near'
  /**
   * Lower is closer (see MATCH_SCORE and NEAR_SCORE).
   */
  score: number
}

/**
 * The fingerprints of a business's catalog photos in flat typed arrays,
 * built once from the stored rows (product id → fingerprint bytes) and
 * kept while the catalog does not change:
 *
 *   const matcher = new PhotoMatcher(rows.map((row) => [row.id, row.photoFingerprint]))
 *   matcher.match(await fingerprint(photo))
 *
 * A query's regions are compared with every view of every product: the
 * Hamming distance first, then a lower bound of the score from the views'
 * means, and the whole grids only where that bound can still beat the
 * second best product found so far (only the best two matter).
 */
export class PhotoMatcher {
  private readonly productIds: string[] = []
  private readonly owners: Int32Array
  private readonly hashes: Uint32Array
  private readonly details: Uint8Array
  private readonly means: Float32Array

  constructor(
    catalog: Iterable<readonly [productId: string, fingerprint: PhotoFingerprint | Uint8Array]>
  ) {
    const views: { owner: number; view: PhotoView }[] = []
    for (const [productId, stored] of catalog) {
      const print =
        stored instanceof PhotoFingerprint ? stored : PhotoFingerprint.fromBuffer(stored)
      const owner = this.productIds.push(productId) - 1
      for (const view of print.views) views.push({ owner, view })
    }
    this.owners = new Int32Array(views.length)
    this.hashes = new Uint32Array(views.length * 2)
    this.details = new Uint8Array(views.length * DETAIL_BYTES)
    this.means = new Float32Array(views.length * MEANS)
    views.forEach(({ owner, view }, index) => {
      this.owners[index] = owner
      this.hashes[index * 2] = view.high
      this.hashes[index * 2 + 1] = view.low
      this.details.set(detailsOf(view), index * DETAIL_BYTES)
      this.means.set(meansOf(view), index * MEANS)
    })
  }

  get size() {
    return this.productIds.length
  }

  /**
   * The catalog product the photo shows, or null when none is close.
   */
  match(query: PhotoFingerprint): PhotoMatch | null {
    const { hashes, details, means, owners } = this
    let first = -1
    let firstScore = TRACKED_SCORE
    let secondScore = TRACKED_SCORE
    for (const view of query.views.slice(0, query.primary)) {
      const detail = detailsOf(view)
      const [lightness, red, yellow, contrast] = meansOf(view)
      // A typed array's iterator costs more than the scan itself.
      // eslint-disable-next-line @unicorn/no-for-loop
      for (let index = 0; index < owners.length; index++) {
        const owner = owners[index]
        /**
         * A pair can only matter if it beats the second best product, or
         * improves the best one.
         */
        const limit = owner === first ? firstScore : secondScore
        const distance =
          popcount(hashes[index * 2] ^ view.high) + popcount(hashes[index * 2 + 1] ^ view.low)
        if (distance >= limit) continue
        const at = index * MEANS
        const bound =
          distance +
          BRIGHTNESS_WEIGHT * Math.abs(means[at] - lightness) +
          2 * Math.abs(means[at + 1] - red) +
          2 * Math.abs(means[at + 2] - yellow) +
          CONTRAST_WEIGHT * Math.abs(means[at + 3] - contrast)
        if (bound >= limit) continue
        const score =
          distance +
          BRIGHTNESS_WEIGHT * Math.abs(means[at] - lightness) +
          detailDistance(details, index * DETAIL_BYTES, detail)
        if (score >= limit) continue
        if (owner === first) {
          firstScore = score
        } else if (score < firstScore) {
          secondScore = firstScore
          first = owner
          firstScore = score
        } else {
          secondScore = score
        }
      }
    }
    if (first === -1 || firstScore >= NEAR_SCORE) return null
    const certain =
      firstScore < MATCH_SCORE &&
      secondScore - firstScore >= SECOND_BEST_MARGIN &&
      firstScore <= SECOND_BEST_RATIO * secondScore
    return {
      productId: this.productIds[first],
      confidence: certain ? 'match' : 'near',
      score: Math.round(firstScore * 10) / 10,
    }
  }
}

/**
 * A view's grids side by side (colours, then contrast), and its means:
 * lightness, the two colour axes, contrast.
 */
const DETAIL_BYTES = CELLS * 4
const MEANS = 4

function detailsOf(view: PhotoView) {
  const detail = new Uint8Array(DETAIL_BYTES)
  detail.set(view.colours)
  detail.set(view.contrast, CELLS * 3)
  return detail
}

function meansOf(view: PhotoView) {
  let red = 0
  let yellow = 0
  let contrast = 0
  for (let cell = 0; cell < CELLS; cell++) {
    red += view.colours[cell * 3 + 1]
    yellow += view.colours[cell * 3 + 2]
    contrast += view.contrast[cell]
  }
  return [view.lightness, red / CELLS, yellow / CELLS, contrast / CELLS]
}

function popcount(value: number) {
  value -= (value >>> 1) & 0x55555555
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333)
  return (Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

/**
 * The grids' part of the score: over the cells, the mean of half the
 * lightness difference and the colour axes' differences (stored halved),
 * plus CONTRAST_WEIGHT × the mean contrast difference.
 */
function detailDistance(details: Uint8Array, offset: number, detail: Uint8Array) {
  let colours = 0
  for (let index = 0; index < CELLS * 3; index += 3) {
    colours +=
      LIGHTNESS_WEIGHT * Math.abs(details[offset + index] - detail[index]) +
      2 * Math.abs(details[offset + index + 1] - detail[index + 1]) +
      2 * Math.abs(details[offset + index + 2] - detail[index + 2])
  }
  let contrast = 0
  for (let index = CELLS * 3; index < DETAIL_BYTES; index++) {
    contrast += Math.abs(details[offset + index] - detail[index])
  }
  return (colours + CONTRAST_WEIGHT * contrast) / CELLS
}

/**
 * The photo's pixels, small, with prefix sums: the mean of any
 * rectangle (fractional edges included) costs four lookups.
 */
class Thumbnail {
  private readonly sums: Float64Array[]

  private constructor(
    readonly pixels: Uint8Array,
    readonly width: number,
    readonly height: number
  ) {
    const stride = width + 1
    this.sums = [0, 1, 2, 3].map(() => new Float64Array(stride * (height + 1)))
    const row = new Float64Array(4)
    for (let y = 0; y < height; y++) {
      row.fill(0)
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 3
        const r = pixels[at]
        const g = pixels[at + 1]
        const b = pixels[at + 2]
        row[0] += r
        row[1] += g
        row[2] += b
        row[3] += 0.299 * r + 0.587 * g + 0.114 * b
        for (let channel = 0; channel < 4; channel++) {
          this.sums[channel][(y + 1) * stride + x + 1] =
            this.sums[channel][y * stride + x + 1] + row[channel]
        }
      }
    }
  }

  static async of(bytes: Uint8Array) {
    const image = sharp(bytes, { failOn: 'none', autoOrient: true })
    const { autoOrient } = await image.metadata()
    const scale = Math.min(
      1,
      THUMBNAIL / Math.min(autoOrient.width, autoOrient.height),
      (THUMBNAIL * 3) / Math.max(autoOrient.width, autoOrient.height)
    )
    const { data, info } = await image
      .flatten({ background: '#ffffff' })
      .resize(
        Math.max(1, Math.round(autoOrient.width * scale)),
        Math.max(1, Math.round(autoOrient.height * scale)),
        { fit: 'fill' }
      )
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    return new Thumbnail(data, info.width, info.height)
  }

  /**
   * The mean of a channel (0–2 red, green, blue; 3 luminance) over a
   * rectangle.
   */
  mean(channel: number, x0: number, y0: number, x1: number, y1: number) {
    const area = (x1 - x0) * (y1 - y0)
    if (area <= 0) return 0
    return (
      (this.sum(channel, x1, y1) -
        this.sum(channel, x0, y1) -
        this.sum(channel, x1, y0) +
        this.sum(channel, x0, y0)) /
      area
    )
  }

  /**
   * The integral at a fractional point: bilinear between the four
   * nearest prefix sums, exact for pixels of constant colour.
   */
  private sum(channel: number, x: number, y: number) {
    const sums = this.sums[channel]
    const stride = this.width + 1
    const cx = Math.min(Math.max(x, 0), this.width)
    const cy = Math.min(Math.max(y, 0), this.height)
    const ix = Math.min(Math.floor(cx), this.width - 1)
    const iy = Math.min(Math.floor(cy), this.height - 1)
    const fx = cx - ix
    const fy = cy - iy
    return (
      sums[iy * stride + ix] * (1 - fx) * (1 - fy) +
      sums[iy * stride + ix + 1] * fx * (1 - fy) +
      sums[(iy + 1) * stride + ix] * (1 - fx) * fy +
      sums[(iy + 1) * stride + ix + 1] * fx * fy
    )
  }
}

/**
 * cos((2x + 1) u π / 2N) · the orthonormal scale, for the 8 lowest
 * frequencies u of an N-point DCT.
 */
const COSINES = Array.from({ length: 8 }, (_, u) =>
  Float64Array.from(
    { length: HASH_SIZE },
    (__, x) =>
      Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIZE)) *
      Math.sqrt((u === 0 ? 1 : 2) / HASH_SIZE)
  )
)

/**
 * A region's view: the hash (the 8 × 8 lowest frequencies of the DCT of
 * its luminance at 32 × 32, each bit: above the median of the 63 others
 * than the mean), the colour grid and the contrast grid (the spread of
 * the 4 × 4 luminance samples of each cell, over the view's lightness).
 */
function viewOf(thumbnail: Thumbnail, rect: Rect): PhotoView {
  const grey = new Float64Array(HASH_SIZE * HASH_SIZE)
  const stepX = rect.width / HASH_SIZE
  const stepY = rect.height / HASH_SIZE
  for (let y = 0; y < HASH_SIZE; y++) {
    for (let x = 0; x < HASH_SIZE; x++) {
      const x0 = rect.x + x * stepX
      const y0 = rect.y + y * stepY
      grey[y * HASH_SIZE + x] = thumbnail.mean(3, x0, y0, x0 + stepX, y0 + stepY)
    }
  }
  const rows = new Float64Array(HASH_SIZE * 8)
  for (let y = 0; y < HASH_SIZE; y++) {
    for (let u = 0; u < 8; u++) {
      let total = 0
      for (let x = 0; x < HASH_SIZE; x++) total += grey[y * HASH_SIZE + x] * COSINES[u][x]
      rows[y * 8 + u] = total
    }
  }
  const coefficients = new Float64Array(64)
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let total = 0
      for (let y = 0; y < HASH_SIZE; y++) total += rows[y * 8 + u] * COSINES[v][y]
      coefficients[v * 8 + u] = total
    }
  }
  const median = coefficients.slice(1).sort()[31]
  let high = 0
  let low = 0
  for (let index = 0; index < 32; index++) {
    high = (high << 1) | (coefficients[index] > median ? 1 : 0)
    low = (low << 1) | (coefficients[index + 32] > median ? 1 : 0)
  }

  const cellX = rect.width / GRID
  const cellY = rect.height / GRID
  const cells: number[][] = []
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const x0 = rect.x + x * cellX
      const y0 = rect.y + y * cellY
      cells.push(
        [0, 1, 2].map((channel) => thumbnail.mean(channel, x0, y0, x0 + cellX, y0 + cellY))
      )
    }
  }
  const lightnesses = cells.map(([r, g, b]) => (r + g + b) / 3)
  const lightness = lightnesses.reduce((sum, value) => sum + value, 0) / CELLS
  const colours = new Uint8Array(CELLS * 3)
  cells.forEach(([r, g, b], cell) => {
    colours[cell * 3] = clampByte(lightnesses[cell] - lightness + 128)
    colours[cell * 3 + 1] = clampByte(128 + (r - g) / 2)
    colours[cell * 3 + 2] = clampByte(128 + ((r + g) / 2 - b) / 2)
  })

  const samples = HASH_SIZE / GRID
  let luminance = 0
  for (const value of grey) luminance += value
  luminance /= grey.length
  const contrast = new Uint8Array(CELLS)
  for (let cy = 0; cy < GRID; cy++) {
    for (let cx = 0; cx < GRID; cx++) {
      let sum = 0
      let squares = 0
      for (let y = cy * samples; y < (cy + 1) * samples; y++) {
        for (let x = cx * samples; x < (cx + 1) * samples; x++) {
          sum += grey[y * HASH_SIZE + x]
          squares += grey[y * HASH_SIZE + x] ** 2
        }
      }
      const count = samples * samples
      const spread = Math.sqrt(Math.max(0, squares / count - (sum / count) ** 2))
      contrast[cy * GRID + cx] = clampByte((spread / (luminance + 16)) * 128)
    }
  }
  return { high: high >>> 0, low: low >>> 0, lightness: clampByte(lightness), colours, contrast }
}

function clampByte(value: number) {
  return Math.min(255, Math.max(0, Math.round(value)))
}

/**
 * The background as a colour plane over a rectangle: each channel is
 * a + b·x + c·y (a plain backdrop, or a studio gradient).
 */
type Plane = Float64Array

const TOP = 0
const BOTTOM = 1
const LEFT = 2
const RIGHT = 3
/**
 * The edges a background may show on, tried in order: three or four
 * edges, the top and the bottom alone (a screenshot's bands, one colour),
 * or two adjacent edges (a product cut at a corner). The left and right
 * edges alone are not enough: vertical stripes (wood, fabric) look
 * uniform along them.
 */
const EDGE_SETS = [
  [TOP, BOTTOM, LEFT, RIGHT],
  [TOP, BOTTOM, LEFT],
  [TOP, BOTTOM, RIGHT],
  [TOP, LEFT, RIGHT],
  [BOTTOM, LEFT, RIGHT],
  [TOP, BOTTOM],
  [TOP, LEFT],
  [TOP, RIGHT],
  [BOTTOM, LEFT],
  [BOTTOM, RIGHT],
]

function planeDistance(thumbnail: Thumbnail, plane: Plane, x: number, y: number) {
  const at = (y * thumbnail.width + x) * 3
  let worst = 0
  for (let channel = 0; channel < 3; channel++) {
    const expected = plane[channel * 3] + plane[channel * 3 + 1] * x + plane[channel * 3 + 2] * y
    worst = Math.max(worst, Math.abs(thumbnail.pixels[at + channel] - expected))
  }
  return worst
}

/**
 * The least-squares plane through the points (x, y pairs), by Cramer's
 * rule per channel; a constant colour when they are all on one line.
 */
function fitPlane(thumbnail: Thumbnail, points: number[]): Plane | null {
  const count = points.length / 2
  if (count < 3) return null
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  let syy = 0
  const sums = new Float64Array(9)
  for (let index = 0; index < points.length; index += 2) {
    const x = points[index]
    const y = points[index + 1]
    sx += x
    sy += y
    sxx += x * x
    sxy += x * y
    syy += y * y
    const at = (y * thumbnail.width + x) * 3
    for (let channel = 0; channel < 3; channel++) {
      const value = thumbnail.pixels[at + channel]
      sums[channel * 3] += value
      sums[channel * 3 + 1] += value * x
      sums[channel * 3 + 2] += value * y
    }
  }
  const determinant = (m: number[]) =>
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  const matrix = [count, sx, sy, sx, sxx, sxy, sy, sxy, syy]
  const det = determinant(matrix)
  const plane = new Float64Array(9)
  for (let channel = 0; channel < 3; channel++) {
    if (Math.abs(det) < 1e-6) {
      plane[channel * 3] = sums[channel * 3] / count
      continue
    }
    for (let unknown = 0; unknown < 3; unknown++) {
      const replaced = [...matrix]
      for (let row = 0; row < 3; row++) replaced[row * 3 + unknown] = sums[channel * 3 + row]
      plane[channel * 3 + unknown] = determinant(replaced) / det
    }
  }
  return plane
}

function edgePoints(rect: Rect, edge: number) {
  const points: number[] = []
  const right = rect.x + rect.width - 1
  const bottom = rect.y + rect.height - 1
  if (edge === TOP || edge === BOTTOM) {
    const y = edge === TOP ? rect.y : bottom
    for (let x = rect.x; x <= right; x++) points.push(x, y)
  } else {
    const x = edge === LEFT ? rect.x : right
    for (let y = rect.y; y <= bottom; y++) points.push(x, y)
  }
  return points
}

/**
 * The background around a rectangle, or null when no set of edges
 * (EDGE_SETS) lies on one plane: fitted, then fitted again without the
 * pixels far from it (a product touching the edge), twice.
 */
function backgroundOf(thumbnail: Thumbnail, rect: Rect): Plane | null {
  const edges = [TOP, BOTTOM, LEFT, RIGHT].map((edge) => edgePoints(rect, edge))
  const close = (plane: Plane, points: number[]) => {
    const kept: number[] = []
    for (let index = 0; index < points.length; index += 2) {
      if (
        planeDistance(thumbnail, plane, points[index], points[index + 1]) <= BACKGROUND_TOLERANCE
      ) {
        kept.push(points[index], points[index + 1])
      }
    }
    return kept
  }
  for (const set of EDGE_SETS) {
    const points = set.flatMap((edge) => edges[edge])
    let plane = fitPlane(thumbnail, points)
    for (let round = 0; plane && round < 2; round++)
      plane = fitPlane(thumbnail, close(plane, points))
    if (!plane) continue
    const fitted = plane
    if (
      !set.every((edge) => close(fitted, edges[edge]).length >= edges[edge].length * EDGE_SHARE)
    ) {
      continue
    }
    if (set.length === 2 && set[0] === TOP && set[1] === BOTTOM) {
      /**
       * A screenshot's bands are one colour: a ramp from the top edge
       * to another colour at the bottom is a scene (a wall, a table).
       */
      const ramp = [0, 1, 2].map((channel) => Math.abs(plane[channel * 3 + 2] * rect.height))
      if (Math.max(...ramp) > BACKGROUND_TOLERANCE) continue
    }
    return plane
  }
  return null
}

/**
 * The dominant region inside a rectangle with a background: the photo
 * of a screenshot (blockOf), else the bounding box of the large
 * connected areas that differ from the background by more than the
 * threshold (a product), small ones (text, icons) left out. Null when
 * there is none, or when it is (nearly) the whole rectangle.
 */
function dominantRegion(thumbnail: Thumbnail, outer: Rect, threshold: number): Rect | null {
  if (outer.width < 24 || outer.height < 24) return null
  const rect = {
    x: Math.round(outer.x) + INSET,
    y: Math.round(outer.y) + INSET,
    width: Math.round(outer.width) - 2 * INSET,
    height: Math.round(outer.height) - 2 * INSET,
  }
  const background = backgroundOf(thumbnail, rect)
  if (!background) return null
  const { width, height } = rect
  const distances = new Float32Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      distances[y * width + x] = planeDistance(thumbnail, background, rect.x + x, rect.y + y)
    }
  }
  const region =
    blockOf(distances, width, height) ?? foregroundBox(distances, width, height, threshold)
  if (!region || region.width < 8 || region.height < 8) return null
  if (region.width >= width * 0.97 && region.height >= height * 0.97) return null
  return { x: rect.x + region.x, y: rect.y + region.y, width: region.width, height: region.height }
}

/**
 * The photo of a screenshot: a run of rows across the whole rectangle,
 * with background above and below, where most pixels differ, even
 * slightly, from the background (a pale wall is not the screenshot's
 * white).
 */
function blockOf(distances: Float32Array, width: number, height: number): Rect | null {
  const differs = (x: number, y: number) => distances[y * width + x] > BLOCK_THRESHOLD
  const rows = runOf(height, width, (row, x) => differs(x, row))
  if (!rows || rows.start === 0 || rows.start + rows.length === height) return null
  const across = countLines(width, (x) => {
    let count = 0
    for (let y = rows.start; y < rows.start + rows.length; y++) if (differs(x, y)) count++
    return count > rows.length * BLOCK_SHARE
  })
  return across >= width * 0.95 ? { x: 0, y: rows.start, width, height: rows.length } : null
}

/**
 * The longest run of lines in which most pixels differ (gaps of up to
 * four lines bridged), when it spans at least a quarter of them.
 */
function runOf(lines: number, length: number, differs: (line: number, at: number) => boolean) {
  let best: { start: number; length: number } | null = null
  let start = -1
  let last = -1
  for (let line = 0; line <= lines; line++) {
    let count = 0
    if (line < lines) for (let at = 0; at < length; at++) if (differs(line, at)) count++
    if (line < lines && count > length * BLOCK_SHARE) {
      if (start === -1 || line - last > 4) start = line
      last = line
    } else if (start !== -1 && (line === lines || line - last > 4)) {
      if (!best || last + 1 - start > best.length) best = { start, length: last + 1 - start }
      start = -1
    }
  }
  return best && best.length >= lines * 0.25 ? best : null
}

function countLines(lines: number, test: (line: number) => boolean) {
  let count = 0
  for (let line = 0; line < lines; line++) if (test(line)) count++
  return count
}

/**
 * The bounding box of the connected areas (8-neighbours) that differ
 * from the background by more than the threshold, without those under
 * KEPT_SHARE of the largest; then edge rows and columns little filled
 * by them (an avatar or a line of text touching a screenshot's photo, a
 * bag's thin handle) are trimmed.
 */
function foregroundBox(distances: Float32Array, width: number, height: number, threshold: number) {
  const labels = new Int32Array(width * height).fill(-1)
  const sizes: number[] = []
  const boxes: number[][] = []
  const stack: number[] = []
  for (let start = 0; start < labels.length; start++) {
    if (distances[start] <= threshold || labels[start] !== -1) continue
    const label = sizes.length
    const box = [width, height, 0, 0]
    let size = 0
    labels[start] = label
    stack.push(start)
    while (stack.length) {
      const at = stack.pop()!
      const x = at % width
      const y = (at - x) / width
      size++
      box[0] = Math.min(box[0], x)
      box[1] = Math.min(box[1], y)
      box[2] = Math.max(box[2], x + 1)
      box[3] = Math.max(box[3], y + 1)
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const next = ny * width + nx
          if (labels[next] === -1 && distances[next] > threshold) {
            labels[next] = label
            stack.push(next)
          }
        }
      }
    }
    sizes.push(size)
    boxes.push(box)
  }
  if (sizes.length === 0) return null
  const largest = Math.max(...sizes)
  const kept = sizes.map((size) => size >= largest * KEPT_SHARE)
  let [x0, y0, x1, y1] = [width, height, 0, 0]
  boxes.forEach((box, label) => {
    if (!kept[label]) return
    x0 = Math.min(x0, box[0])
    y0 = Math.min(y0, box[1])
    x1 = Math.max(x1, box[2])
    y1 = Math.max(y1, box[3])
  })
  const inside = (x: number, y: number) => {
    const label = labels[y * width + x]
    return label !== -1 && kept[label]
  }
  const rowFill = (y: number) => {
    let count = 0
    for (let x = x0; x < x1; x++) if (inside(x, y)) count++
    return count / (x1 - x0)
  }
  const columnFill = (x: number) => {
    let count = 0
    for (let y = y0; y < y1; y++) if (inside(x, y)) count++
    return count / (y1 - y0)
  }
  for (let changed = true; changed;) {
    changed = false
    for (; y1 - y0 > 2 && rowFill(y0) < EDGE_FILL; changed = true) y0++
    for (; y1 - y0 > 2 && rowFill(y1 - 1) < EDGE_FILL; changed = true) y1--
    for (; x1 - x0 > 2 && columnFill(x0) < EDGE_FILL; changed = true) x0++
    for (; x1 - x0 > 2 && columnFill(x1 - 1) < EDGE_FILL; changed = true) x1--
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}
