/**
 * Benchmark 8, catalog photo matching: does PhotoMatcher recognise a
 * shop's own product photo when a customer sends it back re-compressed,
 * resized, cropped, screenshotted or brighter, without mistaking other
 * photos for it, and how long does a match take against 10,000 products?
 *
 * Everything runs in this process (no app, no database): the catalog is
 * drawn with sharp from seeded random specs (bench/photo_match.ts'
 * generator), so every run measures the same photos.
 */
import { availableParallelism } from 'node:os'
import sharp from 'sharp'
import {
  fingerprint,
  MATCH_SCORE,
  NEAR_SCORE,
  type PhotoFingerprint,
  type PhotoMatch,
  PhotoMatcher,
  SECOND_BEST_MARGIN,
  SECOND_BEST_RATIO,
} from '#services/catalog/photo_fingerprint'
import type { BenchContext, Section } from './lib/report.js'
import { fmt, median, percentile, withRuns } from './lib/stats.js'

const PRODUCTS = 1_000
/**
 * The first FAMILIES × 2 products are colour variants of one another:
 * the same design photographed in the same place, in two colours.
 */
const FAMILIES = 150
const UNRELATED = 1_000
const INDEX_SIZE = 10_000
/**
 * Seeds apart from the ones the fingerprint's weights and thresholds
 * were chosen on (0–999, 100,000–101,999 and 200,000–208,999).
 */
const CATALOG_SEED = 1_000_000
const UNRELATED_SEED = 2_000_000
const FILLER_SEED = 3_000_000

function catalogSpec(index: number): PhotoSpec {
  const seed = CATALOG_SEED + index
  if (index < FAMILIES * 2) {
    const family = CATALOG_SEED + (index >> 1)
    return { shape: family, colours: seed, scene: family }
  }
  return { shape: seed, colours: seed, scene: seed }
}

function plainSpec(seed: number): PhotoSpec {
  return { shape: seed, colours: seed, scene: seed }
}

/**
 * Runs the tasks a few at a time (sharp works on libuv's threads).
 */
async function inPool<T, R>(items: T[], task: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length)
  let next = 0
  const workers = Math.max(2, availableParallelism())
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await task(items[index], index)
      }
    })
  )
  return results
}

type Outcome = 'match' | 'near' | 'wrong match' | 'wrong near' | 'none'

function outcomeOf(answer: PhotoMatch | null, expected: string): Outcome {
  if (!answer) return 'none'
  if (answer.productId === expected) return answer.confidence
  return answer.confidence === 'match' ? 'wrong match' : 'wrong near'
}

function percent(count: number, total: number) {
  return `${fmt((100 * count) / total, 1)} %`
}

export async function benchPhotos(ctx: BenchContext): Promise<Section> {
  const ids = Array.from({ length: PRODUCTS }, (_, index) => `product-${index}`)

  ctx.log(`  drawing ${PRODUCTS} catalog photos and their ${VARIANTS.length} variants…`)
  const catalogMs: number[] = []
  const variantMs: number[] = []
  const catalog: PhotoFingerprint[] = []
  const queries: { product: number; variant: Variant; fingerprint: PhotoFingerprint }[] = []
  await inPool(ids, async (_, index) => {
    const photo = await productPhoto(catalogSpec(index))
    const at = performance.now()
    catalog[index] = await fingerprint(photo)
    catalogMs.push(performance.now() - at)
    for (const variant of VARIANTS) {
      const bytes = await variantOf(photo, variant, CATALOG_SEED + index)
      const from = performance.now()
      queries.push({ product: index, variant, fingerprint: await fingerprint(bytes) })
      variantMs.push(performance.now() - from)
    }
  })
  queries.sort(
    (a, b) => a.product - b.product || VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant)
  )

  ctx.log(`  drawing ${UNRELATED} unrelated photos…`)
  const unrelated = await inPool(
    Array.from({ length: UNRELATED }, (_, index) => index),
    async (index) => {
      const variant = VARIANTS[index % VARIANTS.length]
      const photo = await productPhoto(plainSpec(UNRELATED_SEED + index))
      return { variant, fingerprint: await fingerprint(await variantOf(photo, variant, index)) }
    }
  )

  ctx.log(`  drawing ${INDEX_SIZE - PRODUCTS} more products (400 px) for the 10,000-product index…`)
  const fillers = await inPool(
    Array.from({ length: INDEX_SIZE - PRODUCTS }, (_, index) => index),
    async (index) =>
      fingerprint(await productPhoto(plainSpec(FILLER_SEED + index), { longest: 400 }))
  )

  /**
   * The index is built as the app builds it: from the stored bytes.
   */
  const rows = catalog.map((print, index) => [ids[index], print.toBuffer()] as const)
  const bigRows = [
    ...rows,
    ...fillers.map((print, index) => [`filler-${index}`, print.toBuffer()] as const),
  ]
  const small = new PhotoMatcher(rows)
  const buildMs: number[] = []
  let big = new PhotoMatcher(bigRows)
  for (let run = 0; run < ctx.runs; run++) {
    const at = performance.now()
    big = new PhotoMatcher(bigRows)
    buildMs.push(performance.now() - at)
  }
  const storedBytes = bigRows.map(([, bytes]) => bytes.length)

  /**
   * Recall per variant, against the 1,000-product catalog and against
   * the 10,000-product index.
   */
  type Tally = Record<Outcome, number>
  const empty = (): Tally => ({
    'match': 0,
    'near': 0,
    'wrong match': 0,
    'wrong near': 0,
    'none': 0,
  })
  const perVariant = new Map<Variant, { small: Tally; big: Tally }>()
  for (const variant of VARIANTS) perVariant.set(variant, { small: empty(), big: empty() })
  const ownScores: number[] = []
  for (const query of queries) {
    const expected = ids[query.product]
    const tallies = perVariant.get(query.variant)!
    const answer = small.match(query.fingerprint)
    tallies.small[outcomeOf(answer, expected)]++
    tallies.big[outcomeOf(big.match(query.fingerprint), expected)]++
    if (answer?.productId === expected) ownScores.push(answer.score)
  }
  const total = (which: 'small' | 'big', outcome: Outcome) =>
    [...perVariant.values()].reduce((sum, tallies) => sum + tallies[which][outcome], 0)

  const unrelatedTally = { small: empty(), big: empty() }
  const unrelatedScores: number[] = []
  for (const query of unrelated) {
    const answer = small.match(query.fingerprint)
    unrelatedTally.small[outcomeOf(answer, '')]++
    unrelatedTally.big[outcomeOf(big.match(query.fingerprint), '')]++
    if (answer) unrelatedScores.push(answer.score)
  }

  /**
   * The hard case: a customer sends the photo of one colour of a design
   * whose other colour is in the catalog, but not this one. It may be
   * 'near' (parece), never 'match'.
   */
  const withoutFirsts = new PhotoMatcher(
    rows.filter((_, index) => index >= FAMILIES * 2 || index % 2 === 1)
  )
  const siblings = empty()
  for (const query of queries) {
    if (query.product >= FAMILIES * 2 || query.product % 2 === 1) continue
    siblings[outcomeOf(withoutFirsts.match(query.fingerprint), ids[query.product + 1])]++
  }
  const siblingMatches = siblings.match + siblings['wrong match']
  const siblingQueries = FAMILIES * VARIANTS.length

  /**
   * Time per match against the 10,000-product index, every query (the
   * catalog's variants and the unrelated photos) once per run.
   */
  const everyQuery = [
    ...queries.map((query) => query.fingerprint),
    ...unrelated.map((query) => query.fingerprint),
  ]
  for (const query of everyQuery.slice(0, 200)) big.match(query)
  const p50: number[] = []
  const p95: number[] = []
  const p99: number[] = []
  const worst: number[] = []
  for (let run = 0; run < ctx.runs; run++) {
    const times: number[] = []
    for (const query of everyQuery) {
      const at = performance.now()
      big.match(query)
      times.push(performance.now() - at)
    }
    p50.push(percentile(times, 50))
    p95.push(percentile(times, 95))
    p99.push(percentile(times, 99))
    worst.push(Math.max(...times))
    ctx.log(
      `  run ${run + 1}: ${everyQuery.length} matches against ${big.size} products, p50 ${fmt(p50.at(-1)!, 2)} ms, p95 ${fmt(p95.at(-1)!, 2)} ms`
    )
  }

  const queryCount = queries.length
  const recall = total('small', 'match') / queryCount
  const recallBig = total('big', 'match') / queryCount
  const falseMatches = unrelatedTally.small['wrong match']
  const wrongMatches = total('small', 'wrong match')
  ctx.log(
    `  recall ${percent(total('small', 'match'), queryCount)} (10,000: ${percent(total('big', 'match'), queryCount)}); unrelated: ${falseMatches} match, ${unrelatedTally.small['wrong near']} near (10,000: ${unrelatedTally.big['wrong match']}, ${unrelatedTally.big['wrong near']}); siblings: ${siblingMatches} match`
  )

  const weakest = VARIANTS.map(
    (variant) => [variant, perVariant.get(variant)!.small.match / PRODUCTS] as const
  )
    .sort((a, b) => a[1] - b[1])
    .slice(0, 2)
  const variantRows = VARIANTS.map((variant) => {
    const { small: one, big: ten } = perVariant.get(variant)!
    const n = PRODUCTS
    return `| ${variant} | ${percent(one.match, n)} | ${one.near} | ${one['wrong match']} | ${one['wrong near']} | ${one.none} | ${percent(ten.match, n)} | ${ten['wrong match']} |`
  })
  const everyVariant = `| **all ${fmt(queryCount, 0)}** | **${percent(total('small', 'match'), queryCount)}** | ${total('small', 'near')} | ${wrongMatches} | ${total('small', 'wrong near')} | ${total('small', 'none')} | **${percent(total('big', 'match'), queryCount)}** | ${total('big', 'wrong match')} |`

  return {
    id: 'photos',
    title: '8. Catalog photo matching',
    figures: [
      {
        figure: `Customer's photo recognised as its product ('match'), ${fmt(queryCount, 0)} photos: ${PRODUCTS} products × ${VARIANTS.length} variants`,
        value: `${fmt(recall * 100, 1)} % (${fmt(recallBig * 100, 1)} % against 10,000)`,
        target: '≥ 95 %',
        met: recall >= 0.95,
      },
      {
        figure: `'match' on ${UNRELATED} unrelated photos`,
        value: `${falseMatches} (${unrelatedTally.small['wrong near']} 'near'); against 10,000: ${unrelatedTally.big['wrong match']} (${unrelatedTally.big['wrong near']} 'near')`,
        target: '0',
        met: falseMatches === 0,
      },
      {
        figure: `A colour variant missing from the catalog named as certain ('match'), ${fmt(siblingQueries, 0)} photos`,
        value: `${siblingMatches} (${fmt((siblingMatches / siblingQueries) * 100, 1)} %; 'near': ${siblings.near + siblings['wrong near']})`,
        target: "0 (a near-miss is only 'near')",
        met: siblingMatches === 0,
      },
      {
        figure: `Time per match against ${fmt(INDEX_SIZE, 0)} products, p95`,
        value: `${fmt(median(p95), 2)} ms`,
        target: '< 5 ms',
        met: median(p95) < 5,
      },
    ],
    markdown: `
**Question**: when a customer sends one of the shop's own product photos
back — re-compressed by WhatsApp, shrunk, cropped, as a screenshot of the
shop's Instagram post, a little brighter or darker — does Atiende know which
product it is, without a model? Does it stay silent on photos that are not
in the catalog, and is a colour variant of a product offered only as
"parece"? How long does a match take against a large catalog?

**How**: \`bench/photo_match.ts\`, in one process (no app, no database).
${PRODUCTS} product photos are drawn with sharp from seeded random specs:
shoes, bottles, shirts, bags, gadgets and abstract objects of random
proportions, colours, fills (plain, stripes, dots, gradients) and brand
labels, tilted, with a soft shadow, on a white, plain, gradient, wood, tile,
confetti or wall-and-table background; 1,200 px (square, 4:5 or 4:3), JPEG
at quality 90 as a shop uploads them. The first ${FAMILIES * 2} are ${FAMILIES}
families of two: the same design in the same place in two colours (the
same shoe in red and in blue). Each photo comes back in ${VARIANTS.length} variants,
every one ending as WhatsApp delivers photos, a JPEG at quality 60:
recompressed as is; resized to 800 px; resized to 320 px; cropped to 90 % of
its width and height at a random offset; a phone screenshot of it as an
Instagram post (status bar, account header above the photo at full width,
icons, likes, caption and navigation bar below; light or dark; 1,600 px
high); brightness × 1.1 or × 0.9. ${UNRELATED} unrelated photos are drawn
the same way from other seeds, each sent as one of the variants. The
catalog's fingerprints are stored as bytes (\`toBuffer()\`) and the index
built from them as the app would from its rows. The seeds are not those the
fingerprint's thresholds were tuned on.

A fingerprint (\`app/services/catalog/photo_fingerprint.ts\`) describes the
region that shows the product: the background is fitted as a colour plane
to the photo's edges, the photo of a screenshot is found as a band across
the width, the product as the box of the large areas that differ from the
background (text, icons and an avatar are too small to count); at three
thresholds, so that a pale part of a product cannot tip it. A photo with no
background to remove is also stored with nine 90 % crops of itself (offsets
0, 5 and 10 % each way), for the customer's crops to land near. Each view
is a 64-bit DCT hash of the luminance (the shape), an 8 × 8 grid of colours
(which tells the red shoe from the blue one) and an 8 × 8 grid of local
contrast (plain or patterned). A query's score for a product is its closest
pair of views: Hamming distance plus grid differences. 'match' under
${MATCH_SCORE}, when the second best product scores at least ${fmt(1 / SECOND_BEST_RATIO, 2)} × as
much and ${SECOND_BEST_MARGIN} more; 'near' under ${NEAR_SCORE}; nothing above.

| variant (${PRODUCTS} photos each) | 'match', right product | 'near', right | 'match', wrong product | 'near', wrong | nothing | 'match' against 10,000 | wrong 'match', 10,000 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${variantRows.join('\n')}
${everyVariant}

| unrelated photos (${UNRELATED}) | 'match' | 'near' | nothing |
| --- | ---: | ---: | ---: |
| against the ${PRODUCTS} products | ${unrelatedTally.small['wrong match']} | ${unrelatedTally.small['wrong near']} | ${unrelatedTally.small.none} |
| against the 10,000 | ${unrelatedTally.big['wrong match']} | ${unrelatedTally.big['wrong near']} | ${unrelatedTally.big.none} |

A colour variant missing from the catalog (the ${siblingQueries} variants of
the first product of each family, against the catalog without it):

| answer | its sibling | another product |
| --- | ---: | ---: |
| 'match' | ${siblings.match} | ${siblings['wrong match']} |
| 'near' | ${siblings.near} | ${siblings['wrong near']} |
| nothing | ${siblings.none} | |

Scores of the right product (lower is closer): p50 ${fmt(percentile(ownScores, 50), 1)}, p95
${fmt(percentile(ownScores, 95), 1)}, p99 ${fmt(percentile(ownScores, 99), 1)}; the closest
unrelated photo scored ${unrelatedScores.length ? fmt(Math.min(...unrelatedScores), 1) : 'over ' + NEAR_SCORE}.

| against ${fmt(big.size, 0)} products | per run |
| --- | ---: |
| match, p50, ms | ${withRuns(p50, 3)} |
| match, p95, ms | ${withRuns(p95, 3)} |
| match, p99, ms | ${withRuns(p99, 3)} |
| match, slowest, ms | ${withRuns(worst, 2)} |
| index built from ${fmt(big.size, 0)} stored fingerprints, ms | ${withRuns(buildMs, 1)} |

${fmt(everyQuery.length, 0)} matches per run (every variant and unrelated photo). A
stored fingerprint is ${fmt(median(storedBytes), 0)} bytes (median; ${fmt(Math.min(...storedBytes), 0)}–${fmt(Math.max(...storedBytes), 0)}).
Fingerprinting a photo (decode, 256 px thumbnail, regions, hashes) took
${fmt(median(catalogMs), 1)} ms at 1,200 px and ${fmt(median(variantMs), 1)} ms for a variant
(medians, several at once on ${availableParallelism()} vCPUs: it runs once per upload and per
incoming photo, not per match).

**What it means**: a photo of the shop's own catalog comes back recognised
as a certain match ${fmt(recall * 100, 1)} % of the time (${fmt(recallBig * 100, 1)} % among 10,000
products); a wrong product was named as certain ${wrongMatches} times, and ${total('small', 'near')}
more photos were offered as "parece". The weakest variants are
${weakest.map(([variant, share]) => `${variant} (${fmt(share * 100, 1)} %)`).join(' and ')}: a crop of a
photo without a plain background shifts the whole picture, which the stored
crops only approximate, and a brightness change moves the colour and
contrast grids; what misses is mostly still offered as 'near'. Unrelated
photos that look like a catalog product (the same kind of shoe in a similar
colour) are the risk of a bigger catalog: they come back as 'near', and the
second-best rule keeps them from 'match'. The model is told a 'near' as
"parece", never as certain. The gap: the same design in another colour,
when only one colour is in the catalog, is still named as that product
${siblingMatches} times in ${fmt(siblingQueries, 0)} (${fmt((siblingMatches / siblingQueries) * 100, 1)} %): the colour grid
does not yet tell every pair of colours apart once a copy has been
re-compressed, cropped or brightened. The model is then told the catalog's colour, and the customer's photo is in
front of it too (when "Entender audios y fotos" is on), so a reply can
still say which colour is in stock; a colour check that holds under
re-compression is the next step. Matching is a scan of typed arrays (popcount of
the hashes, the grids only where a bound on the score can still beat the
second best product); at ${fmt(INDEX_SIZE, 0)} products it needs no index structure.
The photos are drawn, not photographed: real photos add blur, lighting and
perspective changes that this does not measure.
`,
  }
}

/**
 * A small deterministic PRNG (mulberry32): the same seed draws the same
 * catalog on every run.
 */
export function random(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    between: (low: number, high: number) => low + next() * (high - low),
    int: (low: number, high: number) => Math.floor(low + next() * (high - low + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  }
}
type Random = ReturnType<typeof random>

/**
 * What makes a product photo: its shape (the product's design), its
 * colours and the scene it was photographed in. A colour variant of a
 * product (the same shoe in red and in blue) shares shape and scene.
 */
export type PhotoSpec = { shape: number; colours: number; scene: number }

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'DejaVu Sans Mono']
const BRANDS = [
  'VELOZ',
  'Clásico',
  'URBANO',
  'Montaña',
  'Confort',
  'PRO',
  'Esencial',
  'Aventura',
  'Ligero',
  'Premium',
  'Lupita',
  'SOL',
  'Maya',
  'Andes',
  'Tierra',
  'Nube',
]
const ASPECTS = [
  [1200, 1200],
  [1200, 1200],
  [1200, 1200],
  [960, 1200],
  [1200, 900],
]

function hsl(hue: number, saturation: number, lightness: number) {
  return `hsl(${Math.round(hue)} ${Math.round(saturation)}% ${Math.round(lightness)}%)`
}

/**
 * The product's colours: a main colour, a second and an accent.
 */
function paletteOf(seed: number) {
  const r = random(seed * 7919 + 17)
  const hue = r.between(0, 360)
  const main = r.chance(0.15)
    ? hsl(hue, r.between(0, 12), r.between(8, 30))
    : hsl(hue, r.between(45, 95), r.between(30, 62))
  const second = hsl((hue + r.between(90, 270)) % 360, r.between(30, 90), r.between(25, 80))
  const accent = hsl(r.between(0, 360), r.between(60, 100), r.between(40, 70))
  return { main, second, accent, light: hsl(hue, r.between(20, 60), r.between(80, 94)) }
}

type Palette = ReturnType<typeof paletteOf>

/**
 * The product itself, drawn in a 1000 × 1000 box centred on (500, 500).
 */
function productSvg(r: Random, palette: Palette) {
  const kind = r.pick(['shoe', 'bottle', 'shirt', 'bag', 'gadget', 'abstract'] as const)
  const font = r.pick(FONTS)
  const brand = r.pick(BRANDS)
  const fill = r.pick(['plain', 'plain', 'stripes', 'dots', 'gradient'] as const)
  const defs = [
    `<linearGradient id="g" x1="0" y1="0" x2="${r.between(0, 1).toFixed(2)}" y2="1"><stop offset="0" stop-color="${palette.main}"/><stop offset="1" stop-color="${palette.second}"/></linearGradient>`,
    `<pattern id="p" width="${r.int(30, 90)}" height="${r.int(30, 90)}" patternUnits="userSpaceOnUse" patternTransform="rotate(${r.int(0, 90)})">` +
      (fill === 'stripes'
        ? `<rect width="100" height="100" fill="${palette.main}"/><rect width="100" height="${r.int(8, 24)}" fill="${palette.second}"/>`
        : `<rect width="100" height="100" fill="${palette.main}"/><circle cx="15" cy="15" r="${r.int(5, 12)}" fill="${palette.second}"/>`) +
      '</pattern>',
  ]
  const body = fill === 'plain' ? palette.main : fill === 'gradient' ? 'url(#g)' : 'url(#p)'
  const parts: string[] = []
  const w = r.between(0.75, 1.25)
  const h = r.between(0.75, 1.25)
  const label = (x: number, y: number, size: number, colour: string) =>
    `<text x="${x}" y="${y}" font-family="${font}" font-weight="${r.pick(['normal', 'bold'])}" font-size="${size}" fill="${colour}" text-anchor="middle">${brand}</text>`

  switch (kind) {
    case 'shoe': {
      const toe = r.between(120, 220)
      const heel = r.between(260, 400)
      const top = r.between(180, 300)
      parts.push(
        `<path d="M ${500 - 380 * w} ${620} C ${500 - 380 * w} ${top + 120}, ${500 - 150 * w} ${top}, ${500 - 60 * w} ${top} L ${500 + 120 * w} ${top + 40} C ${500 + 200 * w} ${toe + 300}, ${500 + 400 * w} ${heel + 150}, ${500 + 420 * w} ${620} Z" fill="${body}"/>`,
        `<rect x="${500 - 400 * w}" y="${620}" width="${840 * w}" height="${r.between(50, 110)}" rx="${r.between(10, 50)}" fill="${palette.light}"/>`,
        `<path d="M ${500 - 250 * w} ${560} Q ${500} ${r.between(380, 520)} ${500 + 260 * w} ${540}" stroke="${palette.accent}" stroke-width="${r.between(18, 40)}" fill="none"/>`
      )
      for (let lace = 0; lace < r.int(3, 6); lace++) {
        const x = 500 - 40 * w + lace * 45 * w
        parts.push(
          `<line x1="${x}" y1="${top + 30 + lace * 18}" x2="${x + 40}" y2="${top + 70 + lace * 18}" stroke="${palette.second}" stroke-width="12"/>`
        )
      }
      break
    }
    case 'bottle': {
      const bodyWidth = 300 * w
      const shoulder = r.between(300, 420)
      parts.push(
        `<rect x="${500 - bodyWidth / 2}" y="${shoulder}" width="${bodyWidth}" height="${880 - shoulder}" rx="${r.between(20, 120)}" fill="${body}"/>`,
        `<rect x="${500 - 55 * w}" y="${shoulder - 170}" width="${110 * w}" height="${200}" rx="20" fill="${palette.main}"/>`,
        `<rect x="${500 - 70 * w}" y="${shoulder - 230}" width="${140 * w}" height="${80}" rx="14" fill="${palette.accent}"/>`,
        `<rect x="${500 - bodyWidth / 2}" y="${shoulder + 180 * h}" width="${bodyWidth}" height="${r.between(120, 260)}" fill="${palette.light}"/>`,
        label(500, shoulder + 280 * h, r.between(50, 90), palette.main)
      )
      break
    }
    case 'shirt': {
      const sleeve = r.between(120, 220)
      parts.push(
        `<path d="M ${500 - 150 * w} 170 L ${500 - 330 * w} ${260} L ${500 - 400 * w} ${260 + sleeve} L ${500 - 250 * w} ${310 + sleeve} L ${500 - 250 * w} ${860 * h} L ${500 + 250 * w} ${860 * h} L ${500 + 250 * w} ${310 + sleeve} L ${500 + 400 * w} ${260 + sleeve} L ${500 + 330 * w} 260 L ${500 + 150 * w} 170 Q 500 ${r.between(230, 320)} ${500 - 150 * w} 170 Z" fill="${body}"/>`,
        r.chance(0.5)
          ? `<circle cx="500" cy="${r.between(420, 560)}" r="${r.between(60, 150)}" fill="${palette.accent}"/>`
          : `<polygon points="500,${r.between(360, 420)} ${r.between(600, 680)},600 ${r.between(320, 400)},600" fill="${palette.accent}"/>`,
        label(500, r.between(680, 780) * h, r.between(60, 110), palette.light)
      )
      break
    }
    case 'bag': {
      const top = r.between(330, 450)
      parts.push(
        `<path d="M ${500 - 160 * w} ${top} C ${500 - 160 * w} ${top - 260}, ${500 + 160 * w} ${top - 260}, ${500 + 160 * w} ${top}" stroke="${palette.second}" stroke-width="${r.between(25, 50)}" fill="none"/>`,
        `<path d="M ${500 - 340 * w} ${top} L ${500 + 340 * w} ${top} L ${500 + 300 * w} ${880} L ${500 - 300 * w} ${880} Z" fill="${body}"/>`,
        `<rect x="${500 - r.between(80, 200) * w}" y="${top + r.between(140, 260)}" width="${r.between(160, 400) * w}" height="${r.between(100, 220)}" rx="${r.between(0, 40)}" fill="${palette.accent}"/>`,
        `<circle cx="500" cy="${top + 60}" r="${r.between(18, 40)}" fill="${palette.light}"/>`
      )
      break
    }
    case 'gadget': {
      const wide = r.chance(0.5)
      const bw = (wide ? 720 : 420) * w
      const bh = (wide ? 440 : 760) * h
      parts.push(
        `<rect x="${500 - bw / 2}" y="${500 - bh / 2}" width="${bw}" height="${bh}" rx="${r.between(10, 80)}" fill="${body}"/>`,
        `<rect x="${500 - bw / 2 + 40}" y="${500 - bh / 2 + 40}" width="${bw - 80}" height="${bh * r.between(0.45, 0.7)}" rx="10" fill="${palette.light}"/>`
      )
      for (let button = 0; button < r.int(1, 4); button++) {
        parts.push(
          `<circle cx="${500 - bw / 2 + r.between(70, bw - 70)}" cy="${500 + bh / 2 - r.between(50, 110)}" r="${r.between(18, 45)}" fill="${r.pick([palette.accent, palette.second])}"/>`
        )
      }
      parts.push(label(500, 500 - bh / 2 + 110, r.between(40, 70), palette.main))
      break
    }
    case 'abstract': {
      for (let piece = 0; piece < r.int(3, 6); piece++) {
        const cx = r.between(280, 720)
        const cy = r.between(280, 720)
        const size = r.between(90, 260)
        const colour = r.pick([body, palette.main, palette.second, palette.accent, palette.light])
        const rotate = `transform="rotate(${r.int(0, 90)} ${cx} ${cy})"`
        parts.push(
          r.pick([
            `<ellipse cx="${cx}" cy="${cy}" rx="${size}" ry="${size * r.between(0.4, 1)}" fill="${colour}" ${rotate}/>`,
            `<rect x="${cx - size}" y="${cy - size * 0.7}" width="${size * 2}" height="${size * 1.4}" rx="${r.between(0, 60)}" fill="${colour}" ${rotate}/>`,
            `<polygon points="${cx},${cy - size} ${cx + size},${cy + size * 0.8} ${cx - size},${cy + size * 0.8}" fill="${colour}" ${rotate}/>`,
          ])
        )
      }
      if (r.chance(0.5))
        parts.push(label(500, r.between(450, 600), r.between(60, 120), palette.light))
      break
    }
  }
  return { defs: defs.join(''), body: parts.join('') }
}

/**
 * The scene around the product: a plain studio background (white, grey
 * or a colour), a gradient, or a textured one (wood, tiles, fabric).
 */
function sceneSvg(r: Random, width: number, height: number) {
  const kind = r.pick([
    'white',
    'white',
    'white',
    'plain',
    'plain',
    'gradient',
    'wood',
    'tiles',
    'dots',
    'table',
  ] as const)
  const hue = r.between(0, 360)
  const defs: string[] = []
  let body = ''
  switch (kind) {
    case 'white':
      body = `<rect width="${width}" height="${height}" fill="${hsl(hue, 5, r.between(95, 100))}"/>`
      break
    case 'plain':
      body = `<rect width="${width}" height="${height}" fill="${hsl(hue, r.between(10, 60), r.between(60, 90))}"/>`
      break
    case 'gradient':
      defs.push(
        `<linearGradient id="bg" x1="0" y1="0" x2="${r.between(0, 1).toFixed(2)}" y2="1"><stop offset="0" stop-color="${hsl(hue, 40, r.between(75, 95))}"/><stop offset="1" stop-color="${hsl(hue + r.between(30, 120), 40, r.between(45, 75))}"/></linearGradient>`
      )
      body = `<rect width="${width}" height="${height}" fill="url(#bg)"/>`
      break
    case 'wood': {
      const planks: string[] = []
      const plank = r.between(60, 160)
      for (let x = 0; x < width; x += plank) {
        planks.push(
          `<rect x="${x}" width="${plank - 4}" height="${height}" fill="${hsl(25 + r.between(-8, 8), r.between(30, 55), r.between(35, 60))}"/>`
        )
      }
      body = `<rect width="${width}" height="${height}" fill="#3b2a1a"/>${planks.join('')}`
      break
    }
    case 'tiles': {
      const size = r.int(60, 160)
      defs.push(
        `<pattern id="bg" width="${size}" height="${size}" patternUnits="userSpaceOnUse"><rect width="${size}" height="${size}" fill="${hsl(hue, 15, 85)}"/><rect width="${size - 6}" height="${size - 6}" fill="${hsl(hue, 20, r.between(70, 92))}"/></pattern>`
      )
      body = `<rect width="${width}" height="${height}" fill="url(#bg)"/>`
      break
    }
    case 'dots': {
      const dots: string[] = []
      for (let index = 0; index < 120; index++) {
        dots.push(
          `<circle cx="${r.between(0, width)}" cy="${r.between(0, height)}" r="${r.between(6, 40)}" fill="${hsl(hue + r.between(-40, 40), 50, r.between(55, 85))}"/>`
        )
      }
      body = `<rect width="${width}" height="${height}" fill="${hsl(hue, 30, 90)}"/>${dots.join('')}`
      break
    }
    case 'table':
      body =
        `<rect width="${width}" height="${height}" fill="${hsl(hue, 25, r.between(70, 88))}"/>` +
        `<rect y="${height * r.between(0.55, 0.75)}" width="${width}" height="${height}" fill="${hsl(hue + 180, 25, r.between(35, 60))}"/>`
      break
  }
  return { defs: defs.join(''), body }
}

/**
 * A product photo as a shop would upload it: the product in its scene,
 * with a soft shadow, as a JPEG at quality 90.
 */
export async function productPhoto(spec: PhotoSpec, options: { longest?: number } = {}) {
  const sceneRandom = random(spec.scene * 104729 + 3)
  const [width, height] = sceneRandom.pick(ASPECTS)
  const scene = sceneSvg(sceneRandom, width, height)
  const scale = (Math.min(width, height) / 1000) * sceneRandom.between(0.55, 0.85)
  const offsetX = width / 2 + sceneRandom.between(-0.06, 0.06) * width
  const offsetY = height / 2 + sceneRandom.between(-0.06, 0.06) * height
  const tilt = sceneRandom.between(-12, 12)
  const product = productSvg(random(spec.shape * 15485863 + 11), paletteOf(spec.colours))
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs>${scene.defs}${product.defs}<radialGradient id="shadow"><stop offset="0" stop-color="#000" stop-opacity="0.3"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>
${scene.body}
<ellipse cx="${offsetX}" cy="${offsetY + 420 * scale}" rx="${420 * scale}" ry="${60 * scale}" fill="url(#shadow)"/>
<g transform="translate(${offsetX} ${offsetY}) scale(${scale}) rotate(${tilt}) translate(-500 -500)">${product.body}</g>
</svg>`
  /**
   * A smaller photo is drawn small (a lower SVG density), not shrunk.
   */
  const density = options.longest ? (72 * options.longest) / Math.max(width, height) : 72
  return sharp(Buffer.from(svg), { density }).jpeg({ quality: 90 }).toBuffer()
}

const ACCOUNTS = ['tienda_lupita', 'calzado.veloz', 'modas_andes', 'la.bodega.mx', 'boutique_sol']
const CAPTIONS = [
  'Nuevos modelos disponibles, envíos a todo México',
  'Pregunta por tu talla por mensaje directo',
  'Últimas piezas, aparta la tuya hoy',
  'Calidad que se nota, precio que te encanta',
  'Pedidos por WhatsApp, pago contra entrega',
]

function escape(text: string) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
}

/**
 * A phone screenshot of the photo posted on Instagram: status bar, the
 * account's header above the photo (full width), the icons, likes and
 * caption below, in light or dark mode; as WhatsApp sends it (at most
 * 1,600 px, JPEG quality 60).
 */
export async function screenshotOf(photo: Buffer, seed: number) {
  const r = random(seed * 31 + 7)
  const dark = r.chance(0.5)
  const background = dark ? '#000000' : '#ffffff'
  const ink = dark ? '#f5f5f5' : '#262626'
  const muted = dark ? '#a8a8a8' : '#737373'
  const width = 1080
  const resized = await sharp(photo).resize({ width }).toBuffer({ resolveWithObject: true })
  const top = 250
  const below = top + resized.info.height
  const height = Math.max(2340, below + 420)
  const account = r.pick(ACCOUNTS)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="${width}" height="${height}" fill="${background}"/>
<text x="60" y="60" font-family="DejaVu Sans" font-size="34" font-weight="bold" fill="${ink}">${r.int(8, 23)}:${String(r.int(0, 59)).padStart(2, '0')}</text>
<rect x="940" y="32" width="70" height="32" rx="8" fill="none" stroke="${ink}" stroke-width="4"/>
<rect x="946" y="38" width="${r.int(20, 58)}" height="20" rx="4" fill="${ink}"/>
<text x="40" y="150" font-family="DejaVu Serif" font-size="56" font-style="italic" fill="${ink}">Instagram</text>
<circle cx="80" cy="210" r="32" fill="${r.pick(['#e1306c', '#f77737', '#833ab4', '#405de6'])}"/>
<text x="130" y="222" font-family="DejaVu Sans" font-size="30" font-weight="bold" fill="${ink}">${account}</text>
<text x="1030" y="222" font-family="DejaVu Sans" font-size="40" fill="${ink}" text-anchor="end">···</text>
<path d="M 70 ${below + 50} c -20 -25 -60 -10 -40 25 l 40 35 l 40 -35 c 20 -35 -20 -50 -40 -25 z" fill="none" stroke="${ink}" stroke-width="5"/>
<circle cx="175" cy="${below + 75}" r="26" fill="none" stroke="${ink}" stroke-width="5"/>
<path d="M 240 ${below + 50} l 60 20 l -45 40 z" fill="none" stroke="${ink}" stroke-width="5"/>
<text x="40" y="${below + 170}" font-family="DejaVu Sans" font-size="30" font-weight="bold" fill="${ink}">Le gusta a ${r.int(12, 9800).toLocaleString('es-MX')} personas</text>
<text x="40" y="${below + 220}" font-family="DejaVu Sans" font-size="30" fill="${ink}"><tspan font-weight="bold">${account}</tspan> ${escape(r.pick(CAPTIONS))}</text>
<text x="40" y="${below + 270}" font-family="DejaVu Sans" font-size="28" fill="${muted}">Ver los ${r.int(2, 90)} comentarios</text>
<text x="40" y="${below + 320}" font-family="DejaVu Sans" font-size="24" fill="${muted}">Hace ${r.int(1, 23)} horas</text>
<rect y="${height - 150}" width="${width}" height="150" fill="${background}"/>
<rect y="${height - 152}" width="${width}" height="2" fill="${muted}"/>
${[140, 340, 540, 740, 940].map((x) => `<rect x="${x - 25}" y="${height - 100}" width="50" height="50" rx="12" fill="none" stroke="${ink}" stroke-width="5"/>`).join('')}
</svg>`
  const screen = await sharp(Buffer.from(svg))
    .composite([{ input: resized.data, top, left: 0 }])
    .png()
    .toBuffer()
  return sharp(screen).resize(1600, 1600, { fit: 'inside' }).jpeg({ quality: 60 }).toBuffer()
}

export const VARIANTS = [
  'recompressed',
  'resized 800 px',
  'resized 320 px',
  'cropped 10 %',
  'screenshot',
  'brightness ±10 %',
] as const
export type Variant = (typeof VARIANTS)[number]

/**
 * A variant of a product photo as a customer sends it back: every one
 * ends as WhatsApp delivers photos, a JPEG at quality 60.
 */
export async function variantOf(photo: Buffer, variant: Variant, seed: number) {
  const r = random(seed * 131 + 5)
  const image = sharp(photo)
  switch (variant) {
    case 'recompressed':
      break
    case 'resized 800 px':
      image.resize(800, 800, { fit: 'inside' })
      break
    case 'resized 320 px':
      image.resize(320, 320, { fit: 'inside' })
      break
    case 'cropped 10 %': {
      const { width = 0, height = 0 } = await sharp(photo).metadata()
      const cropWidth = Math.round(width * 0.9)
      const cropHeight = Math.round(height * 0.9)
      image.extract({
        left: r.int(0, width - cropWidth),
        top: r.int(0, height - cropHeight),
        width: cropWidth,
        height: cropHeight,
      })
      break
    }
    case 'screenshot':
      return screenshotOf(photo, seed)
    case 'brightness ±10 %':
      image.modulate({ brightness: r.chance(0.5) ? 1.1 : 0.9 })
      break
  }
  return image.jpeg({ quality: 60 }).toBuffer()
}
