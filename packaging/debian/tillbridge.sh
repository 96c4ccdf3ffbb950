#!/bin/sh
# /usr/bin/tillbridge: the CLI on the Node.js the package carries, with NODE_ENV and NODE_FLAGS
# (src/shared/node-flags.ts) as the unit and dist/main.js's #! line have them.
export MALLOC_ARENA_MAX=2
exec /opt/tillbridge/node/bin/node --optimize-for-size --max-old-space-size=300 /opt/tillbridge/dist/main.js "$@"
