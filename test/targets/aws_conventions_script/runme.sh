#!/usr/bin/env bash
# A script target: its ansible-playbook is tsible's, and it gets ansible-test's config file as -e @file.
set -eux
test "$(basename "$(command -v ansible-playbook)")" = ansible-playbook
test "${ANSIBLE_DEBUG_BOTOCORE_LOGS}" = True
test -d "${OUTPUT_DIR}"
ansible-playbook check.yml -i ../../inventory "$@"
