#!/usr/bin/env bash
# Regenerates the debugger goldens: each NAME.yml run by real ansible-playbook with NAME.input piped to the
# debugger (and NAME.environ in the environment); stdout and the exit code are recorded. CI only compares.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_DEPRECATION_WARNINGS=0
for pb in *.yml; do
  name="${pb%.yml}"
  extra=()
  if [ -f "$name.environ" ]; then read -r -a extra < "$name.environ"; fi
  set +e
  env ${extra[@]+"${extra[@]}"} ansible-playbook "$pb" < "$name.input" > "$name.out" 2>/dev/null
  echo $? > "$name.rc"
  set -e
  sed -i "s#$here#<dir>#g" "$name.out"
done
