#!/usr/bin/env bash
# Records what real ansible-playbook 2.14 does with each case of the differential suite (apt-get install -y ansible).
# A case is AREA/NAME.yml; it runs from a fresh copy of its area's folder (so cases never see each other's files),
# with the options in AREA/ARGS then AREA/NAME.args and the environment in AREA/NAME.environ (KEY=VALUE lines), if
# any, and stdin from /dev/null. Its stdout, stderr and exit code go to recorded/AREA/NAME.{out,err,rc}, with the
# copy's path replaced by <dir> and $HOME by <home>. test/e2e/differential.test.ts runs tsible the same way and
# compares; CI never runs this script. The uri and get_url cases reach a server on loopback (http-server.mjs; its port
# becomes <port>). With AREA/NAME arguments, only those cases are recorded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
command -v ansible-playbook >/dev/null || { echo "ansible-playbook is not installed" >&2; exit 1; }
ansible-playbook --version | sed -n 1p > "$here/ANSIBLE_VERSION"
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 \
  ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_FORKS=1 ANSIBLE_STDOUT_CALLBACK=default

record_one() {
  local area="${1%%/*}" name="${1#*/}"
  name="${name%.yml}"
  local work
  work="$(mktemp -d /tmp/tsible-differential.XXXXXX)"
  cp -r "$here/$area" "$work/$area"
  local args=() envs=()
  if [ -f "$area/ARGS" ]; then read -r -a args < "$area/ARGS"; fi
  if [ -f "$area/$name.args" ]; then local more=(); read -r -a more < "$area/$name.args"; args+=("${more[@]}"); fi
  if [ -f "$area/$name.environ" ]; then mapfile -t envs < "$area/$name.environ"; fi
  mkdir -p "$here/recorded/$area"
  local out="$here/recorded/$area/$name" rc=0
  (cd "$work/$area" && env ${envs[@]+"${envs[@]}"} ansible-playbook "$name.yml" ${args[@]+"${args[@]}"} \
    < /dev/null > "$out.out" 2> "$out.err") || rc=$?
  echo "$rc" > "$out.rc"
  # the controller's temporary files that diffs are made from have random names
  sed -i -E -e "s#$work/$area#<dir>#g" -e "s#127.0.0.1:$http_port#127.0.0.1:<port>#g" -e "s#$HOME/#<home>/#g" \
    -e 's#^\+\+\+ after: \S*/ansible-local-\S+$#+++ after: <local temporary file>#' "$out.out" "$out.err"
  rm -rf "$work"
}
# the uri and get_url cases talk to this loopback server
exec 3< <(node "$here/http-server.mjs")
read -r http_port <&3
export DIFF_HTTP="http://127.0.0.1:$http_port"
trap 'kill $! 2>/dev/null' EXIT
export -f record_one
export here http_port

if [ $# -gt 0 ]; then cases=("$@"); else cases=(*/*.yml); fi
printf '%s\n' "${cases[@]}" | grep -v '^recorded/' | xargs -P 4 -I{} bash -c 'record_one "$1"' _ {}
echo "recorded ${#cases[@]} cases under $here/recorded"
