#!/bin/sh
# /usr/bin/tillbridge: the CLI on the Node.js the package carries.
exec /opt/tillbridge/node/bin/node /opt/tillbridge/dist/main.js "$@"
