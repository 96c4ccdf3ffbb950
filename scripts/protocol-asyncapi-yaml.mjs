// The one way docs/protocol.asyncapi.yaml is serialised, shared by the script that writes it and
// the test that checks it is up to date.
import { stringify } from 'yaml'

export function asyncApiYaml(document) {
  const header = '# Generated from src/protocol by `npm run protocol:schema`; do not edit.\n'
  return header + stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })
}
