#!/usr/bin/env bash
# The script's Ansible commands: ansible-playbook and ansible-vault are tsible's; the others are shadowed.
set -eux
ansible-playbook play.yml -i ../../inventory -e from_script=yes "$@"
echo secret > "${OUTPUT_DIR}/pw"
ansible-vault encrypt_string --vault-password-file "${OUTPUT_DIR}/pw" --name answer 42 | grep -q 'answer: !vault'
if ansible localhost -m ping 2> "${OUTPUT_DIR}/err"; then exit 1; fi
grep -q 'ansible is not served by tsible' "${OUTPUT_DIR}/err"
