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
    'session.destroy_everywhere': { paramsTuple?: []; params?: {} }
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
    'settings.media': { paramsTuple?: []; params?: {} }
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
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'transmit.events': { paramsTuple?: []; params?: {} }
    'transmit.subscribe': { paramsTuple?: []; params?: {} }
    'transmit.unsubscribe': { paramsTuple?: []; params?: {} }
    'catalog.index': { paramsTuple?: []; params?: {} }
    'catalog.create': { paramsTuple?: []; params?: {} }
    'catalog.store': { paramsTuple?: []; params?: {} }
    'catalog.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.import': { paramsTuple?: []; params?: {} }
    'catalog.import.template': { paramsTuple?: []; params?: {} }
    'catalog.import.preview': { paramsTuple?: []; params?: {} }
    'catalog.import.store': { paramsTuple?: []; params?: {} }
    'settings.business.logo': { paramsTuple?: []; params?: {} }
    'settings.business.logo.destroy': { paramsTuple?: []; params?: {} }
    'api.products.index': { paramsTuple?: []; params?: {} }
    'api.products.store': { paramsTuple?: []; params?: {} }
    'api.products.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.products.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.products.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'knowledge.policies': { paramsTuple?: []; params?: {} }
    'knowledge.policies.update': { paramsTuple?: []; params?: {} }
    'knowledge.prompt': { paramsTuple?: []; params?: {} }
    'knowledge.prompt.store': { paramsTuple?: []; params?: {} }
    'knowledge.prompt.restore': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.policies.show': { paramsTuple?: []; params?: {} }
    'api.policies.store': { paramsTuple?: []; params?: {} }
    'api.policies.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.prompt.show': { paramsTuple?: []; params?: {} }
    'api.prompt.store': { paramsTuple?: []; params?: {} }
    'api.prompt.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'webhooks.whatsapp': { paramsTuple?: []; params?: {} }
    'api.wa.create': { paramsTuple?: []; params?: {} }
    'api.wa.status': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.qr': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.send': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.reconnect': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.logout': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.destroy': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'whatsapp.show': { paramsTuple?: []; params?: {} }
    'whatsapp.connect': { paramsTuple?: []; params?: {} }
    'whatsapp.logout': { paramsTuple?: []; params?: {} }
    'whatsapp.destroy': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator.scan': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator.message': { paramsTuple?: []; params?: {} }
    'inbox.index': { paramsTuple?: []; params?: {} }
    'inbox.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.summary': { paramsTuple?: []; params?: {} }
    'inbox.conversations': { paramsTuple?: []; params?: {} }
    'inbox.conversation': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.conversation.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.conversation.read': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'inbox.messages.media.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'inbox.messages.media': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'inbox.contact.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.index': { paramsTuple?: []; params?: {} }
    'api.conversations.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.reply': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.read': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.agent.think': { paramsTuple?: []; params?: {} }
    'agent.playground': { paramsTuple?: []; params?: {} }
    'agent.playground.turn': { paramsTuple?: []; params?: {} }
    'agent.usage': { paramsTuple?: []; params?: {} }
    'agent.settings': { paramsTuple?: []; params?: {} }
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
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'transmit.events': { paramsTuple?: []; params?: {} }
    'catalog.index': { paramsTuple?: []; params?: {} }
    'catalog.create': { paramsTuple?: []; params?: {} }
    'catalog.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.import': { paramsTuple?: []; params?: {} }
    'catalog.import.template': { paramsTuple?: []; params?: {} }
    'api.products.index': { paramsTuple?: []; params?: {} }
    'api.products.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'knowledge.policies': { paramsTuple?: []; params?: {} }
    'knowledge.prompt': { paramsTuple?: []; params?: {} }
    'api.policies.show': { paramsTuple?: []; params?: {} }
    'api.prompt.show': { paramsTuple?: []; params?: {} }
    'api.wa.status': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.qr': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'whatsapp.show': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator': { paramsTuple?: []; params?: {} }
    'inbox.index': { paramsTuple?: []; params?: {} }
    'inbox.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.summary': { paramsTuple?: []; params?: {} }
    'inbox.conversations': { paramsTuple?: []; params?: {} }
    'inbox.conversation': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.media': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'api.conversations.index': { paramsTuple?: []; params?: {} }
    'api.conversations.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'agent.playground': { paramsTuple?: []; params?: {} }
    'agent.usage': { paramsTuple?: []; params?: {} }
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
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'transmit.events': { paramsTuple?: []; params?: {} }
    'catalog.index': { paramsTuple?: []; params?: {} }
    'catalog.create': { paramsTuple?: []; params?: {} }
    'catalog.edit': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.import': { paramsTuple?: []; params?: {} }
    'catalog.import.template': { paramsTuple?: []; params?: {} }
    'api.products.index': { paramsTuple?: []; params?: {} }
    'api.products.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'knowledge.policies': { paramsTuple?: []; params?: {} }
    'knowledge.prompt': { paramsTuple?: []; params?: {} }
    'api.policies.show': { paramsTuple?: []; params?: {} }
    'api.prompt.show': { paramsTuple?: []; params?: {} }
    'api.wa.status': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.qr': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'whatsapp.show': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator': { paramsTuple?: []; params?: {} }
    'inbox.index': { paramsTuple?: []; params?: {} }
    'inbox.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.summary': { paramsTuple?: []; params?: {} }
    'inbox.conversations': { paramsTuple?: []; params?: {} }
    'inbox.conversation': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.media': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'api.conversations.index': { paramsTuple?: []; params?: {} }
    'api.conversations.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.messages': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'agent.playground': { paramsTuple?: []; params?: {} }
    'agent.usage': { paramsTuple?: []; params?: {} }
  }
  POST: {
    'locale.update': { paramsTuple?: []; params?: {} }
    'session.store': { paramsTuple?: []; params?: {} }
    'registration.store': { paramsTuple?: []; params?: {} }
    'session.destroy': { paramsTuple?: []; params?: {} }
    'session.destroy_everywhere': { paramsTuple?: []; params?: {} }
    'onboarding.store': { paramsTuple?: []; params?: {} }
    'businesses.switch': { paramsTuple?: []; params?: {} }
    'api.register': { paramsTuple?: []; params?: {} }
    'api.login': { paramsTuple?: []; params?: {} }
    'api.logout': { paramsTuple?: []; params?: {} }
    'api.businesses.store': { paramsTuple?: []; params?: {} }
    'transmit.subscribe': { paramsTuple?: []; params?: {} }
    'transmit.unsubscribe': { paramsTuple?: []; params?: {} }
    'catalog.store': { paramsTuple?: []; params?: {} }
    'catalog.import.preview': { paramsTuple?: []; params?: {} }
    'catalog.import.store': { paramsTuple?: []; params?: {} }
    'settings.business.logo': { paramsTuple?: []; params?: {} }
    'api.products.store': { paramsTuple?: []; params?: {} }
    'knowledge.prompt.store': { paramsTuple?: []; params?: {} }
    'knowledge.prompt.restore': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.policies.store': { paramsTuple?: []; params?: {} }
    'api.prompt.store': { paramsTuple?: []; params?: {} }
    'webhooks.whatsapp': { paramsTuple?: []; params?: {} }
    'api.wa.create': { paramsTuple?: []; params?: {} }
    'api.wa.send': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.reconnect': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'api.wa.logout': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'whatsapp.connect': { paramsTuple?: []; params?: {} }
    'whatsapp.logout': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator.scan': { paramsTuple?: []; params?: {} }
    'whatsapp.simulator.message': { paramsTuple?: []; params?: {} }
    'inbox.conversation.read': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.store': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.messages.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'inbox.messages.media.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'id': ParamValue,'messageId': ParamValue} }
    'api.conversations.reply': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.read': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.agent.think': { paramsTuple?: []; params?: {} }
    'agent.playground.turn': { paramsTuple?: []; params?: {} }
  }
  PUT: {
    'settings.business.update': { paramsTuple?: []; params?: {} }
    'settings.ai.update': { paramsTuple?: []; params?: {} }
    'settings.bot': { paramsTuple?: []; params?: {} }
    'settings.media': { paramsTuple?: []; params?: {} }
    'api.businesses.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.openai': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.businesses.bot_toggle': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'catalog.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.products.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'knowledge.policies.update': { paramsTuple?: []; params?: {} }
    'api.policies.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.prompt.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.conversation.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'inbox.contact.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.conversations.update': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'agent.settings': { paramsTuple?: []; params?: {} }
  }
  DELETE: {
    'catalog.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'settings.business.logo.destroy': { paramsTuple?: []; params?: {} }
    'api.products.destroy': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'api.wa.destroy': { paramsTuple: [ParamValue]; params: {'business_id': ParamValue} }
    'whatsapp.destroy': { paramsTuple?: []; params?: {} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}