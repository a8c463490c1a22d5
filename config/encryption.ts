import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/**
 * AES-256-GCM: authenticated encryption for every secret we keep
 * (business OpenAI keys, WhatsApp instance tokens and webhook secrets).
 */
const encryptionConfig = defineConfig({
  default: 'app',
  list: {
    app: drivers.aes256gcm({
      id: 'app',
      /**
       * The first key encrypts; every one of them decrypts (a rotation:
       * the new APP_KEY first, the old ones from APP_OLD_KEYS).
       */
      keys: [env.get('APP_KEY'), ...oldKeys()],
    }),
  },
})

export default encryptionConfig

function oldKeys() {
  return (env.get('APP_OLD_KEYS') ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
}
