/** See protocol-asyncapi-yaml.mjs. */
export function asyncApiYaml(document: unknown): string
