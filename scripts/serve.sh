#!/usr/bin/env bash
# Dev server with live reload: bash scripts/serve.sh   (env PORT, ADDRESS)
# Extra arguments go to `trunk serve` (e.g. --release).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

PORT="${PORT:-8080}"
ADDRESS="${ADDRESS:-127.0.0.1}"
# csp_hash.py hashes Trunk's live-reload script as served for these hosts.
export FAULTLINE_DEV_HOSTS="$ADDRESS:$PORT,localhost:$PORT,127.0.0.1:$PORT"

echo
echo "Faultline dev server: http://$ADDRESS:$PORT/   (Ctrl-C to stop)"
echo
exec trunk serve --address "$ADDRESS" --port "$PORT" "$@"
