import ICAL from 'ical.js'

export type VcardContact = {
  name: string | null
  phones: { number: string; waid: string | null; label: string | null }[]
}

/**
 * The name and phone numbers of a contact card as WhatsApp sends it (vCard
 * 3.0, one card or several), read with ical.js. WhatsApp's own number of a
 * phone is its TEL's `waid` parameter; a label is the TEL's type or the
 * Apple-style `itemN.X-ABLabel` of its group. Null when it is not a vCard.
 */
export function readVcard(source: string): VcardContact | null {
  if (source.length > 100_000) return null
  let parsed: unknown
  try {
    parsed = ICAL.parse(source)
  } catch {
    return null
  }
  const cards = (Array.isArray(parsed) && parsed[0] === 'vcard' ? [parsed] : parsed) as unknown[]
  if (!Array.isArray(cards) || !Array.isArray(cards[0])) return null

  let name: string | null = null
  const phones: VcardContact['phones'] = []
  for (const jcard of cards) {
    const card = new ICAL.Component(jcard as any)
    if (card.name !== 'vcard') continue
    name ??= textOf(card.getFirstPropertyValue('fn')) ?? structuredName(card)

    const labels = new Map<string, string>()
    for (const label of card.getAllProperties('x-ablabel')) {
      const group = label.getParameter('group')
      const value = textOf(label.getFirstValue())
      if (typeof group === 'string' && value) labels.set(group, value)
    }
    for (const tel of card.getAllProperties('tel')) {
      const number = textOf(tel.getFirstValue())
      if (!number) continue
      const waid = textOf(tel.getParameter('waid'))
      const group = tel.getParameter('group')
      const type = tel.getParameter('type')
      const label =
        (typeof group === 'string' ? labels.get(group) : undefined) ??
        (Array.isArray(type) ? type[0] : textOf(type)) ??
        null
      phones.push({
        number: number.slice(0, 40),
        waid: waid && /^\d{5,20}$/.test(waid) ? waid : null,
        label: label ? label.slice(0, 40) : null,
      })
    }
  }
  return { name: name ? name.slice(0, 200) : null, phones: phones.slice(0, 20) }
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/**
 * "Given Family" from N when there is no FN.
 */
function structuredName(card: ICAL.Component) {
  const parts = card.getFirstPropertyValue('n')
  if (!Array.isArray(parts)) return null
  const [family, given] = parts as unknown[]
  return textOf([textOf(given), textOf(family)].filter(Boolean).join(' '))
}
