import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'drive.fs.serve': { paramsTuple: [...ParamValue[]]; params: {'*': ParamValue[]} }
    'home': { paramsTuple?: []; params?: {} }
    'locale.update': { paramsTuple?: []; params?: {} }
    'session.create': { paramsTuple?: []; params?: {} }
    'session.store': { paramsTuple?: []; params?: {} }
    'registration.create': { paramsTuple?: []; params?: {} }
    'registration.store': { paramsTuple?: []; params?: {} }
    'session.destroy': { paramsTuple?: []; params?: {} }
    'onboarding.show': { paramsTuple?: []; params?: {} }
    'onboarding.store': { paramsTuple?: []; params?: {} }
    'businesses.switch': { paramsTuple?: []; params?: {} }
    'dashboard': { paramsTuple?: []; params?: {} }
    'onboarding.ai': { paramsTuple?: []; params?: {} }
    'settings.business': { paramsTuple?: []; params?: {} }
    'settings.business.update': { paramsTuple?: []; params?: {} }
    'settings.ai': { paramsTuple?: []; params?: {} }
    'settings.ai.update': { paramsTuple?: []; params?: {} }
    'settings.bot': { paramsTuple?: []; params?: {} }
    'api.register': { paramsTuple?: []; params?: {} }
    'api.login': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.logout': { paramsTuple?: []; params?: {} }
    'api.businesses.index': { paramsTuple?: []; params?: {} }
    'api.businesses.store': { paramsTuple?: []; params?: {} }
    'api.businesses.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.openai': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.bot_toggle': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health': { paramsTuple?: []; params?: {} }
  }
  GET: {
    'drive.fs.serve': { paramsTuple: [...ParamValue[]]; params: {'*': ParamValue[]} }
    'home': { paramsTuple?: []; params?: {} }
    'session.create': { paramsTuple?: []; params?: {} }
    'registration.create': { paramsTuple?: []; params?: {} }
    'onboarding.show': { paramsTuple?: []; params?: {} }
    'dashboard': { paramsTuple?: []; params?: {} }
    'onboarding.ai': { paramsTuple?: []; params?: {} }
    'settings.business': { paramsTuple?: []; params?: {} }
    'settings.ai': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.businesses.index': { paramsTuple?: []; params?: {} }
    'api.businesses.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health': { paramsTuple?: []; params?: {} }
  }
  HEAD: {
    'drive.fs.serve': { paramsTuple: [...ParamValue[]]; params: {'*': ParamValue[]} }
    'home': { paramsTuple?: []; params?: {} }
    'session.create': { paramsTuple?: []; params?: {} }
    'registration.create': { paramsTuple?: []; params?: {} }
    'onboarding.show': { paramsTuple?: []; params?: {} }
    'dashboard': { paramsTuple?: []; params?: {} }
    'onboarding.ai': { paramsTuple?: []; params?: {} }
    'settings.business': { paramsTuple?: []; params?: {} }
    'settings.ai': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
    'api.businesses.index': { paramsTuple?: []; params?: {} }
    'api.businesses.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'health': { paramsTuple?: []; params?: {} }
  }
  POST: {
    'locale.update': { paramsTuple?: []; params?: {} }
    'session.store': { paramsTuple?: []; params?: {} }
    'registration.store': { paramsTuple?: []; params?: {} }
    'session.destroy': { paramsTuple?: []; params?: {} }
    'onboarding.store': { paramsTuple?: []; params?: {} }
    'businesses.switch': { paramsTuple?: []; params?: {} }
    'api.register': { paramsTuple?: []; params?: {} }
    'api.login': { paramsTuple?: []; params?: {} }
    'api.logout': { paramsTuple?: []; params?: {} }
    'api.businesses.store': { paramsTuple?: []; params?: {} }
  }
  PUT: {
    'settings.business.update': { paramsTuple?: []; params?: {} }
    'settings.ai.update': { paramsTuple?: []; params?: {} }
    'settings.bot': { paramsTuple?: []; params?: {} }
    'api.businesses.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.openai': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.bot_toggle': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}