#!/usr/bin/env bash
# Records uri.expected.json: real ansible-playbook (2.14) running uri-cases.yml against the fixture server of
# http-fixture.ts, with the json callback; the port and the scratch directory are replaced by <port> and <dir>.
# Needs ansible-playbook; CI never runs this (uri.test.ts compares tsible with what it recorded).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
npx --prefix "$root" esbuild "$here/http-fixture.ts" --bundle --packages=external --format=esm --platform=node --outfile="$work/fixture.mjs" --log-level=warning
port=18765
tlsport=18766
node --input-type=module -e "import { startFixture } from '$work/fixture.mjs'; await startFixture($port, $tlsport, '$work/ca.pem'); console.log('ready');" > "$work/server.out" &
server=$!
for _ in $(seq 50); do grep -q ready "$work/server.out" 2>/dev/null && break; sleep 0.1; done
mkdir "$work/scratch"
ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
  ansible-playbook "$here/uri-cases.yml" -e "base=http://127.0.0.1:$port dir=$work/scratch tls_base=https://127.0.0.1:$tlsport ca=$work/ca.pem" > "$work/out.json" || true
sed -e "s#127.0.0.1:$port#127.0.0.1:<port>#g" -e "s#127.0.0.1:$tlsport#127.0.0.1:<tlsport>#g" -e "s#$work/ca.pem#<ca>#g" -e "s#$work/scratch#<dir>#g" -e "s#$root#<root>#g" "$work/out.json" > "$here/uri.expected.json"
echo "recorded $here/uri.expected.json"
