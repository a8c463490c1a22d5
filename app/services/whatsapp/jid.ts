/**
 * WhatsApp addresses (JIDs): 5215512345678@s.whatsapp.net for phones,
 * 103899771998284@lid for Baileys 7 LID contacts, ...@g.us for groups.
 * Phones typed by people become JID digits in phone_numbers.ts.
 */

export function isGroupOrBroadcast(jid: string) {
  return (
    jid.endsWith('@g.us') ||
    jid === 'status@broadcast' ||
    jid.endsWith('@broadcast') ||
    jid.endsWith('@newsletter')
  )
}

export function isLid(jid: string) {
  return jid.endsWith('@lid')
}

/**
 * The phone digits of a phone JID (device suffixes like ":12" dropped).
 */
export function phoneFromJid(jid: string): string | null {
  if (!jid.endsWith('@s.whatsapp.net') && !jid.endsWith('@c.us')) {
    return null
  }
  const digits = jid.split('@')[0].split(':')[0]
  return /^\d{6,20}$/.test(digits) ? digits : null
}

export function phoneJid(phone: string) {
  return `${phone}@s.whatsapp.net`
}
