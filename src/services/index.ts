import { type MetadataService } from './metadata.ts'

// Everything the HTTP layer may call, built once by app.ts and handed to the routes as a decorator.
export interface Services {
  metadata: MetadataService
}
