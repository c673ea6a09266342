// Polls `check` until it returns true; fails with `what` after `timeoutMs`. For conditions that become true
// by themselves (a broker coming up), never for timing assertions.
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}
