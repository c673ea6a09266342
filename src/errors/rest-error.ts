import { type ErrorSpec, statusOf } from './codes.ts'

// The one error type the HTTP layer renders. Services throw it for domain failures ("topic not found");
// the Kafka facade's errors are converted into it by kafka/errors.ts. The renderer never inspects messages.
export class RestError extends Error {
  readonly errorCode: number
  readonly status: number
  readonly headers: Record<string, string> | undefined

  constructor(spec: ErrorSpec, message?: string, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message ?? spec.message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RestError'
    this.errorCode = spec.code
    this.status = statusOf(spec)
    this.headers = options?.headers
  }

  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message }
  }
}

export function isRestError(error: unknown): error is RestError {
  return error instanceof RestError
}
