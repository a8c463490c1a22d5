/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Registers the TypeScript hook (so .ts files run without a build step)
| and hands over to bin/console.ts.
|
*/
import '@poppinss/ts-exec'
await import('./bin/console.js')
