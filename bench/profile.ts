/**
 * What a CPU profile (`node --cpu-prof`) spent its time on: self time by
 * package and the functions with the most self time.
 *
 *   node --import=@poppinss/ts-exec bench/profile.ts <file.cpuprofile> [--top 30] [--skip <ms>]
 *
 * --skip leaves out the first milliseconds (the boot, a warm-up).
 */
import { parseArgs } from 'node:util'
import { summarizeProfile } from './lib/cpu_profile.js'

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, skip: { type: 'string', default: '0' } },
  allowPositionals: true,
})
for (const path of positionals) {
  const summary = summarizeProfile(path, { skipMs: Number(values.skip) })
  const busy = summary.totalMs - summary.idleMs
  console.log(
    `\n${path}\n${summary.totalMs.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms busy (${((busy / summary.totalMs) * 100).toFixed(0)} %)\n`
  )
  console.log('Self time by package:')
  for (const entry of summary.packages.slice(0, 20)) {
    console.log(
      `  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}`
    )
  }
  console.log('\nFunctions with the most self time:')
  for (const entry of summary.functions.slice(0, Number(values.top))) {
    console.log(
      `  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}  ${entry.where}`
    )
  }
}
