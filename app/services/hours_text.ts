import { WEEKDAYS, normalizeHours, type TimeRange, type WeeklyHours } from '#services/opening_hours'

/**
 * Opening hours as people write them, read into the structured week:
 * "Lun-Sáb 9:00-19:00", "L a V de 9 a 18, sáb 10-14", "Mon-Fri 9am-6pm",
 * "lunes, miércoles y viernes de 10 a 14 y de 16 a 20", "24/7". Days not
 * named are closed.
 *
 * Answers null when the text cannot be read without guessing (a word it
 * does not know, hours without days, a range that closes before it
 * opens): the caller keeps such a text as it is, for the agent to read.
 */
export function readHoursText(text: string): WeeklyHours | null {
  const tokens = tokenize(text)
  if (!tokens || tokens.length === 0) return null
  return parse(tokens)
}

type Meridiem = 'am' | 'pm' | null

type Token =
  | { kind: 'day'; days: number[] }
  | { kind: 'time'; minutes: number; meridiem: Meridiem; hasMinutes: boolean }
  | { kind: 'span' }
  | { kind: 'list' }
  | { kind: 'closed' }
  | { kind: 'always' }
  | { kind: 'all_day' }

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]

/**
 * Day names and their abbreviations, Spanish and English (without
 * accents; single letters as Latin-American signs write them: L M X J V
 * S D).
 */
const DAY_WORDS: Record<string, number[]> = {
  ...names(0, ['lunes', 'lun', 'lu', 'l', 'monday', 'mon', 'mo']),
  ...names(1, ['martes', 'mar', 'ma', 'm', 'tuesday', 'tue', 'tues', 'tu']),
  ...names(2, ['miercoles', 'mie', 'mier', 'mi', 'x', 'wednesday', 'wed', 'we']),
  ...names(3, ['jueves', 'jue', 'ju', 'j', 'thursday', 'thu', 'thur', 'thurs', 'th']),
  ...names(4, ['viernes', 'vie', 'vi', 'v', 'friday', 'fri', 'fr']),
  ...names(5, ['sabado', 'sabados', 'sab', 'sa', 's', 'saturday', 'saturdays', 'sat']),
  ...names(6, ['domingo', 'domingos', 'dom', 'do', 'd', 'sunday', 'sundays', 'sun', 'su']),
  weekdays: [0, 1, 2, 3, 4],
  weekends: [5, 6],
  everyday: EVERY_DAY,
  daily: EVERY_DAY,
  diario: EVERY_DAY,
}

function names(day: number, words: string[]) {
  return Object.fromEntries(words.map((word) => [word, [day]]))
}

const SPAN_WORDS = new Set(['a', 'al', 'hasta', 'to', 'through', 'thru', 'until', 'till'])
const LIST_WORDS = new Set(['y', 'e', 'and'])
const CLOSED_WORDS = new Set(['cerrado', 'cerrados', 'closed', 'descanso', 'descansamos'])
/**
 * Words that say nothing about the hours ("de 9 a 18 hrs", "abierto de
 * lunes a viernes", "from 9 to 5").
 */
const FILLER_WORDS = new Set([
  'de',
  'del',
  'desde',
  'from',
  'los',
  'las',
  'el',
  'la',
  'hrs',
  'hr',
  'hs',
  'h',
  'horas',
  'hora',
  'abierto',
  'abiertos',
  'abrimos',
  'atendemos',
  'open',
  'horario',
  'horarios',
  'hours',
  'atencion',
  'on',
  'at',
  'en',
])

/**
 * Phrases read as one word before splitting into words.
 */
const PHRASES: [RegExp, string][] = [
  [/\b24\s*\/\s*7\b/g, ' always '],
  [/\b(todos los dias|toda la semana|every day|7 dias a la semana)\b/g, ' everyday '],
  [/\b(entre semana|dias habiles|weekdays)\b/g, ' weekdays '],
  [/\b(fines? de semana|weekends?)\b/g, ' weekends '],
  [/\b(las )?24 ?(horas|hrs|hs|h)\b/g, ' allday '],
  [/\b(all day|around the clock)\b/g, ' allday '],
  [/\b(medio ?dia|noon)\b/g, ' 12:00 '],
  [/\b(media ?noche|midnight)\b/g, ' 24:00 '],
  [/\bde la (tarde|noche)\b/g, ' pm '],
  [/\bde la manana\b/g, ' am '],
]

const TIME = /^(\d{1,2})(?:[:.h](\d{2}))?$/

function tokenize(text: string): Token[] | null {
  let normalized = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[–—−]/g, '-')
  for (const [pattern, replacement] of PHRASES) {
    normalized = normalized.replace(pattern, replacement)
  }
  /**
   * "9am", "6:30p.m.", "10hrs" split from their number; separators apart.
   */
  normalized = normalized
    .replace(/(\d)\s*([ap])\.?\s?m\.?(?![a-z])/g, '$1 $2m ')
    .replace(/(\d)(hrs|hr|hs|h)\b/g, '$1 $2')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' , ')
    .replace(/([-,;/&+\n()])/g, ' $1 ')

  const tokens: Token[] = []
  for (const word of normalized.split(/\s+/).filter(Boolean)) {
    const time = TIME.exec(word)
    if (time) {
      const hours = Number(time[1])
      const minutes = time[2] === undefined ? 0 : Number(time[2])
      if (hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) return null
      tokens.push({
        kind: 'time',
        minutes: hours * 60 + minutes,
        meridiem: null,
        hasMinutes: time[2] !== undefined,
      })
      continue
    }
    if (word === 'am' || word === 'pm') {
      const previous = tokens.at(-1)
      if (previous?.kind !== 'time' || previous.meridiem) return null
      previous.meridiem = word
      continue
    }
    if (word in DAY_WORDS) tokens.push({ kind: 'day', days: DAY_WORDS[word] })
    else if (word === '-' || SPAN_WORDS.has(word)) tokens.push({ kind: 'span' })
    else if (LIST_WORDS.has(word) || /^[,;/&+\n()]$/.test(word)) tokens.push({ kind: 'list' })
    else if (CLOSED_WORDS.has(word)) tokens.push({ kind: 'closed' })
    else if (word === 'always') tokens.push({ kind: 'always' })
    else if (word === 'allday') tokens.push({ kind: 'all_day' })
    else if (!FILLER_WORDS.has(word)) return null
  }
  return tokens
}

type Group = { days: Set<number>; ranges: { from: number; to: number }[]; closed: boolean }

function parse(tokens: Token[]): WeeklyHours | null {
  const groups: Group[] = []
  let group: Group | null = null
  let phase: 'days' | 'hours' = 'days'
  let lastDay: number | null = null

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]
    switch (token.kind) {
      case 'always':
        groups.push({ days: new Set(EVERY_DAY), ranges: [{ from: 0, to: 1440 }], closed: false })
        group = null
        break
      case 'day': {
        if (!group || phase === 'hours') {
          group = { days: new Set(), ranges: [], closed: false }
          groups.push(group)
          phase = 'days'
          lastDay = null
        }
        const previous = tokens[index - 1]
        if (previous?.kind === 'span' && lastDay !== null && token.days.length === 1) {
          // "lunes a viernes": every day from the first to the last.
          for (let day: number = lastDay; day !== token.days[0]; day = (day + 1) % 7) {
            group.days.add(day)
          }
          group.days.add(token.days[0])
        } else {
          for (const day of token.days) group.days.add(day)
        }
        lastDay = token.days.length === 1 ? token.days[0] : null
        break
      }
      case 'time': {
        const close = tokens[index + 2]
        if (!group || tokens[index + 1]?.kind !== 'span' || close?.kind !== 'time') return null
        const range = rangeOf(token, close)
        if (!range) return null
        group.ranges.push(range)
        phase = 'hours'
        index += 2
        break
      }
      case 'all_day':
        if (!group) {
          // "24 horas" alone: every day.
          group = { days: new Set(EVERY_DAY), ranges: [], closed: false }
          groups.push(group)
        }
        group.ranges.push({ from: 0, to: 1440 })
        phase = 'hours'
        break
      case 'closed':
        if (!group) return null
        group.closed = true
        phase = 'hours'
        break
      case 'span':
        // Only between two days (times take theirs above).
        if (tokens[index - 1]?.kind !== 'day' || tokens[index + 1]?.kind !== 'day') return null
        break
      case 'list':
        break
    }
  }

  if (groups.length === 0) return null
  const week = new Map<number, { from: number; to: number }[]>()
  for (const { days, ranges, closed } of groups) {
    // Days named with neither hours nor "cerrado" say nothing: guessing is worse.
    if (!closed && ranges.length === 0) return null
    for (const day of days) week.set(day, closed ? [] : [...(week.get(day) ?? []), ...ranges])
  }
  const hours: Partial<Record<(typeof WEEKDAYS)[number], TimeRange[]>> = {}
  for (const [day, ranges] of week) {
    const sorted = [...ranges].sort((a, b) => a.from - b.from)
    if (sorted.some((range, index) => index > 0 && range.from < sorted[index - 1].to)) return null
    hours[WEEKDAYS[day]] = sorted.map(({ from, to }) => ({ open: clock(from), close: clock(to) }))
  }
  return normalizeHours(hours)
}

/**
 * An opening and a closing time, with what people leave unsaid: "9-6pm"
 * is 9:00 to 18:00, "de 9 a 6" too, "1-6pm" is 13:00 to 18:00, "12am"
 * is midnight.
 */
function rangeOf(
  open: Extract<Token, { kind: 'time' }>,
  close: Extract<Token, { kind: 'time' }>
): { from: number; to: number } | null {
  const withMeridiem = (minutes: number, meridiem: Meridiem) => {
    if (meridiem === null) return minutes
    if (minutes >= 13 * 60) return Number.NaN
    const hour12 = minutes % (12 * 60)
    return meridiem === 'pm' ? hour12 + 12 * 60 : hour12
  }
  let from = withMeridiem(open.minutes, open.meridiem)
  let to = withMeridiem(close.minutes, close.meridiem)
  if (Number.isNaN(from) || Number.isNaN(to)) return null

  if (open.meridiem === null && close.meridiem === 'pm' && from < 12 * 60 && from + 720 < to) {
    from += 12 * 60
  }
  if (
    open.meridiem === null &&
    close.meridiem === null &&
    from < 12 * 60 &&
    to <= from &&
    to <= 12 * 60
  ) {
    to += 12 * 60
  }
  if (to === 0) to = 24 * 60
  if (from >= 24 * 60 || to > 24 * 60 || from >= to) return null
  return { from, to }
}

function clock(minutes: number) {
  const hours = Math.floor(minutes / 60)
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
