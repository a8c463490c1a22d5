import type { HttpContext } from '@adonisjs/core/http'
import BusinessTransformer from '#transformers/business_transformer'
import BusinessPolicy from '#policies/business_policy'
import { TIMEZONES, switchBusinessValidator, updateBusinessValidator } from '#validators/business'
import { CURRENT_BUSINESS_KEY } from '#middleware/current_business_middleware'

/**
 * Choices offered by the business profile form.
 */
export function businessFormOptions() {
  return {
    currencies: [
      'MXN',
      'COP',
      'ARS',
      'CLP',
      'PEN',
      'USD',
      'GTQ',
      'BOB',
      'DOP',
      'UYU',
      'PYG',
      'CRC',
      'HNL',
      'NIO',
      'VES',
      'EUR',
    ],
    countries: [
      'MX',
      'CO',
      'AR',
      'BR',
      'CL',
      'PE',
      'EC',
      'US',
      'GT',
      'SV',
      'HN',
      'NI',
      'CR',
      'PA',
      'DO',
      'BO',
      'PY',
      'UY',
      'VE',
      'ES',
    ],
    timezones: [...TIMEZONES],
    zonesByCountry: ZONES_BY_COUNTRY,
  }
}

/**
 * The time zones of each offered country, its most populous first: the
 * form lists them before the rest of the world's. (The runtime has the
 * IANA list but not which country each zone belongs to.)
 */
const ZONES_BY_COUNTRY: Record<string, string[]> = Object.fromEntries(
  Object.entries({
    MX: [
      'America/Mexico_City',
      'America/Monterrey',
      'America/Tijuana',
      'America/Cancun',
      'America/Merida',
      'America/Chihuahua',
      'America/Ciudad_Juarez',
      'America/Hermosillo',
      'America/Mazatlan',
      'America/Bahia_Banderas',
      'America/Matamoros',
      'America/Ojinaga',
    ],
    CO: ['America/Bogota'],
    AR: [
      'America/Argentina/Buenos_Aires',
      'America/Argentina/Cordoba',
      'America/Argentina/Mendoza',
      'America/Argentina/Tucuman',
      'America/Argentina/Salta',
      'America/Argentina/Jujuy',
      'America/Argentina/Catamarca',
      'America/Argentina/La_Rioja',
      'America/Argentina/San_Juan',
      'America/Argentina/San_Luis',
      'America/Argentina/Rio_Gallegos',
      'America/Argentina/Ushuaia',
    ],
    BR: [
      'America/Sao_Paulo',
      'America/Bahia',
      'America/Fortaleza',
      'America/Recife',
      'America/Belem',
      'America/Manaus',
      'America/Cuiaba',
      'America/Campo_Grande',
      'America/Maceio',
      'America/Araguaina',
      'America/Santarem',
      'America/Porto_Velho',
      'America/Boa_Vista',
      'America/Rio_Branco',
      'America/Eirunepe',
      'America/Noronha',
    ],
    CL: ['America/Santiago', 'America/Punta_Arenas', 'Pacific/Easter'],
    PE: ['America/Lima'],
    EC: ['America/Guayaquil', 'Pacific/Galapagos'],
    US: [
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Phoenix',
      'America/Los_Angeles',
      'America/Anchorage',
      'Pacific/Honolulu',
    ],
    GT: ['America/Guatemala'],
    SV: ['America/El_Salvador'],
    HN: ['America/Tegucigalpa'],
    NI: ['America/Managua'],
    CR: ['America/Costa_Rica'],
    PA: ['America/Panama'],
    DO: ['America/Santo_Domingo'],
    BO: ['America/La_Paz'],
    PY: ['America/Asuncion'],
    UY: ['America/Montevideo'],
    VE: ['America/Caracas'],
    ES: ['Europe/Madrid', 'Atlantic/Canary', 'Africa/Ceuta'],
  }).map(([country, zones]) => [
    country,
    [...new Set(zones.map(canonicalZone).filter((zone) => zone !== null))],
  ])
)

/**
 * A zone as the validator knows it (TIMEZONES, the runtime's list): some
 * have older canonical names there ("America/Buenos_Aires" for
 * "America/Argentina/Buenos_Aires"). Null for one it does not know.
 */
function canonicalZone(zone: string) {
  try {
    const name = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
    return TIMEZONES.has(name) ? name : TIMEZONES.has(zone) ? zone : null
  } catch {
    return null
  }
}

export default class BusinessSettingsController {
  async show({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return inertia.render('settings/business', {
      business: BusinessTransformer.transform(business),
      options: businessFormOptions(),
    })
  }

  async update({ request, response, business, bouncer, session, i18n }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(updateBusinessValidator)
    business.merge(payload)
    await business.save()
    session.flash('success', i18n.t('business.saved'))
    return response.redirect().back()
  }

  /**
   * The business switcher: only the user's own businesses can be chosen.
   */
  async switch({ request, response, auth, session }: HttpContext) {
    const { businessId } = await request.validateUsing(switchBusinessValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    session.put(CURRENT_BUSINESS_KEY, business.id)
    return response.redirect().toRoute('dashboard')
  }
}
