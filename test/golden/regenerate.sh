#!/usr/bin/env bash
# Regenerates the goldens of test/golden/core from real ansible-playbook (apt-get install -y ansible).
# Each core/NAME.yml runs with the options in core/NAME.args and the environment in core/NAME.environ (KEY=VALUE lines),
# if any, once with the default callback and once with the json callback (and with the minimal one for
# minimal-*.yml); stdout, stderr and the exit code are recorded. CI never runs this: it only compares tsible's
# output with what this script recorded. With NAME arguments, only those goldens are recorded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/core"
command -v ansible-playbook >/dev/null || { echo "ansible-playbook is not installed" >&2; exit 1; }
ansible-playbook --version | sed -n 1p > "$here/core/ANSIBLE_VERSION"  # sed reads all: head would close the pipe early (EPIPE under pipefail)
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
if [ $# -gt 0 ]; then playbooks=("${@/%/.yml}"); else playbooks=(*.yml); fi
for pb in "${playbooks[@]}"; do
  name="${pb%.yml}"
  args=()
  if [ -f "$name.args" ]; then read -r -a args < "$name.args"; fi
  modes=(default json)
  # minimal-* playbooks are recorded with the minimal callback too
  if [[ "$name" == minimal-* ]]; then modes+=(minimal); fi
  for mode in "${modes[@]}"; do
    set +e
    envs=()
    if [ -f "$name.environ" ]; then mapfile -t envs < "$name.environ"; fi
    env ${envs[@]+"${envs[@]}"} ANSIBLE_STDOUT_CALLBACK=$mode ansible-playbook "$pb" ${args[@]+"${args[@]}"} > "$name.$mode.out" 2> "$name.$mode.err"
    rc=$?
    set -e
    sed -i "s#$here/core#<dir>#g" "$name.$mode.out" "$name.$mode.err"
    echo "$rc" > "$name.rc"
  done
done
echo "goldens written to $here/core"
