// Benchmarks: npm run bench -- <name> [options]. Each benchmark is a module exporting main(args) → exit code.
const benchmarks: Record<string, () => Promise<{ main(args: string[]): Promise<number> }>> = {
  produce: () => import('./produce.ts'),
  consume: () => import('./consume.ts')
}

const [name, ...args] = process.argv.slice(2)
const load = name === undefined ? undefined : benchmarks[name]
if (!load) {
  console.error(
    `usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]   (--help for a benchmark's options)`
  )
  process.exitCode = 2
} else {
  try {
    process.exitCode = await (await load()).main(args)
  } catch (error) {
    console.error(error)
    process.exitCode = 1
  }
}
