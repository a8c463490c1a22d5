import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, destination, targets } from '@adonisjs/core/logger'

const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: env.get('APP_NAME', 'atiende'),
      level: env.get('LOG_LEVEL', 'info'),
      /**
       * Never log secrets: these paths are replaced by "[redacted]"
       * wherever they appear in a log object.
       */
      redact: {
        paths: [
          'password',
          '*.password',
          'openaiApiKey',
          '*.openaiApiKey',
          'apiKey',
          '*.apiKey',
          'token',
          '*.token',
          'headers.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
      /**
       * Production writes JSON lines to stdout from this thread (buffered,
       * flushed on exit): a transport would run a worker thread, a second
       * V8 isolate with its own heap, for writing lines it gets already
       * serialized.
       */
      destination: app.inProduction ? destination({ dest: 1, sync: false }) : undefined,
      transport: {
        targets: targets()
          /**
           * One line per entry in the developer's console, without the
           * process fields (the request id is kept on the line).
           */
          .pushIf(
            !app.inProduction && !app.inTest,
            targets.pretty({ singleLine: true, ignore: 'pid,hostname,name' })
          )
          .pushIf(app.inTest, targets.file({ destination: 1 }))
          .toArray(),
      },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
