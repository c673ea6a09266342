// Absolute self/related URLs and CRN resource names of v3 resources.
export interface Links {
  url(...segments: (string | number)[]): string
  crn(...pairs: [string, string | number][]): string
}

export function links(baseUrl: string, authority: string): Links {
  return {
    url: (...segments) => `${baseUrl}/v3/${segments.map(s => encodeURIComponent(String(s))).join('/')}`,
    crn: (...pairs) => `crn://${authority}/${pairs.map(([type, id]) => `${type}=${id}`).join('/')}`
  }
}

export const related = (url: string) => ({ related: url })
