import type { Config } from '../config/schema.js'

export type SystemInfo = Config['provider']['system']

const MAX_SYSTEM_HEADER = 30

/** The four Vipps-System-* headers; Vipps allows at most 30 characters each. */
export function systemHeaders(system: SystemInfo): Record<string, string> {
  const cut = (value: string) => value.slice(0, MAX_SYSTEM_HEADER)
  return {
    'Vipps-System-Name': cut(system.name),
    'Vipps-System-Version': cut(system.version),
    'Vipps-System-Plugin-Name': cut(system.pluginName),
    'Vipps-System-Plugin-Version': cut(system.pluginVersion),
  }
}

/** Joins a base URL and an absolute API path, keeping any path prefix of the base (a proxy). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`
}

/** Calls fetch as a plain function: a fetch taken from an options object must not get it as `this`. */
export function callFetch(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  init: RequestInit,
): ReturnType<typeof globalThis.fetch> {
  return fetchImpl.call(undefined, url, init)
}
