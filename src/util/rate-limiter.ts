// Token buckets for Confluent's v3 produce rate limits: a bucket refills `rate` tokens per second and holds at
// most one second's worth. Checks run in upstream's order (global count, global bytes, per-cluster count,
// per-cluster bytes); a refused record takes no tokens.
class Bucket {
  #tokens: number
  #at: number
  readonly #rate: number

  constructor(rate: number, now: number) {
    this.#rate = rate
    this.#tokens = rate
    this.#at = now
  }

  available(now: number): number {
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) * this.#rate) / 1000)
    this.#at = now
    return this.#tokens
  }

  take(amount: number): void {
    this.#tokens -= amount
  }
}

export interface RateLimits {
  requestsPerSecond: number
  requestsGlobalPerSecond: number
  bytesPerSecond: number
  bytesGlobalPerSecond: number
  cacheExpiryMs: number
}

interface ClusterBuckets {
  count: Bucket
  bytes: Bucket
  usedAt: number
}

export class ProduceRateLimiter {
  readonly #limits: RateLimits
  readonly #count: Bucket
  readonly #bytes: Bucket
  readonly #clusters = new Map<string, ClusterBuckets>()
  readonly #now: () => number

  constructor(limits: RateLimits, now: () => number = Date.now) {
    this.#limits = limits
    this.#now = now
    const t = now()
    this.#count = new Bucket(limits.requestsGlobalPerSecond, t)
    this.#bytes = new Bucket(limits.bytesGlobalPerSecond, t)
  }

  // True when one record of `bytes` may go now (and its tokens are taken).
  admit(clusterId: string, bytes: number): boolean {
    const now = this.#now()
    const cluster = this.#cluster(clusterId, now)
    if (this.#count.available(now) < 1 || this.#bytes.available(now) < bytes) return false
    if (cluster.count.available(now) < 1 || cluster.bytes.available(now) < bytes) return false
    this.#count.take(1)
    this.#bytes.take(bytes)
    cluster.count.take(1)
    cluster.bytes.take(bytes)
    return true
  }

  #cluster(id: string, now: number): ClusterBuckets {
    let buckets = this.#clusters.get(id)
    if (!buckets) {
      if (this.#clusters.size > 1000) this.#expire(now)
      buckets = {
        count: new Bucket(this.#limits.requestsPerSecond, now),
        bytes: new Bucket(this.#limits.bytesPerSecond, now),
        usedAt: now
      }
      this.#clusters.set(id, buckets)
    }
    buckets.usedAt = now
    return buckets
  }

  #expire(now: number): void {
    for (const [id, buckets] of this.#clusters) {
      if (now - buckets.usedAt > this.#limits.cacheExpiryMs) this.#clusters.delete(id)
    }
  }
}
