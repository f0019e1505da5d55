#!/usr/bin/env bash
# Set up, build every page (scripts/build.sh: the landing page and one page
# per lab, as deployed) and serve dist/ at http://127.0.0.1:8080/.
#   bash scripts/serve.sh              (env PORT, ADDRESS)
#   bash scripts/serve.sh payments     one lab's page with live reload
#                                      (`trunk serve`, a debug build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
. scripts/env.sh

PORT="${PORT:-8080}"
ADDRESS="${ADDRESS:-127.0.0.1}"

if [ $# -gt 0 ]; then
  lab="$1"
  shift
  if [ ! -f "pages/$lab/index.html" ]; then
    echo "serve: no page for a lab called \"$lab\" (pages/: $(ls pages | tr '\n' ' '))" >&2
    exit 2
  fi
  # csp_hash.py hashes Trunk's live-reload script as served for these hosts.
  export FAULTLINE_DEV_HOSTS="$ADDRESS:$PORT,localhost:$PORT,127.0.0.1:$PORT"
  echo
  echo "Faultline ($lab, live reload): http://$ADDRESS:$PORT/   (Ctrl-C to stop)"
  echo
  exec trunk serve "pages/$lab/index.html" --address "$ADDRESS" --port "$PORT" "$@"
fi

bash scripts/build.sh
echo
echo "Faultline: http://$ADDRESS:$PORT/   (Ctrl-C to stop)"
echo
exec python3 -m http.server --bind "$ADDRESS" --directory dist "$PORT"
