#!/usr/bin/env bash
# Regenerates the vault goldens from the real ansible-vault (ansible-core 2.14). The passwords in fixtures/ are
# test-only passwords, committed on purpose: they protect nothing but these test files.
#   made/          files and strings ansible-vault encrypted (1.1, 1.2 with the labels dev and prod, inline !vault
#                  values in a vars file, encrypt_string output): tsible must decrypt them all
#   expected/      for each line of cases.txt, the stdout, stderr and exit code of the command run with
#                  VAULT=ansible-vault in a scratch copy of fixtures/ and made/; the tests run it with tsible vault
# CI never runs this; it only compares. With NAME arguments, only those cases are recorded (made/ is kept).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v ansible-vault >/dev/null || { echo "ansible-vault is not installed" >&2; exit 1; }
ansible-vault --version | sed -n 1p > "$here/ANSIBLE_VERSION"
export ANSIBLE_NOCOLOR=1
cd "$here/fixtures"
if [ $# -eq 0 ]; then
  rm -rf "$here/made" && mkdir "$here/made"
  m="$here/made"
  ansible-vault encrypt --vault-password-file pw-default.txt --output "$m/plain-1.1.yml" plain.yml
  ansible-vault encrypt --vault-id dev@pw-dev.txt --output "$m/plain-dev.yml" plain.yml
  ansible-vault encrypt --vault-id prod@pw-prod.txt --output "$m/plain-prod.yml" plain.yml
  ansible-vault encrypt --vault-password-file pw-default.txt --output "$m/text-1.1.txt" text.txt
  : > "$m/empty.plain" && ansible-vault encrypt --vault-password-file pw-default.txt --output "$m/empty.yml" "$m/empty.plain"
  rm "$m/empty.plain"
  { ansible-vault encrypt_string --vault-password-file pw-default.txt one; echo
    ansible-vault encrypt_string --vault-id dev@pw-dev.txt two; echo; } > "$m/strings.txt"
  # a vars file mixing plain and inline encrypted values (default and dev labels), for the playbook goldens too
  { echo '# inline !vault values made by ansible-vault encrypt_string'
    echo 'plain_value: visible'
    ansible-vault encrypt_string --vault-password-file pw-default.txt --name inline_secret 'inline-s3cret'; echo
    ansible-vault encrypt_string --vault-id dev@pw-dev.txt --name dev_secret 'dev {{ plain_value }}'; echo
    echo 'unused_secret: !vault |'
    ansible-vault encrypt_string --vault-id other@pw-wrong.txt 'nobody can read me' | tail -n +2; echo; } > "$m/inline-vars.yml"
  # the files the core playbook goldens (test/golden/core/vault*.yml) read
  c="$here/../core/vault-files"
  rm -rf "$c" && mkdir -p "$c"
  cp pw-default.txt pw-dev.txt pw-wrong.txt "$c/"
  cp "$m/inline-vars.yml" "$c/inline-vars.yml"
  printf 'file_secret: from an encrypted vars file\nfile_list: [1, 2]\n' > "$c/secret-vars.yml"
  ansible-vault encrypt --vault-password-file pw-default.txt "$c/secret-vars.yml"
  printf 'extra_secret: from -e @file\n' > "$c/extra-vars.yml"
  ansible-vault encrypt --vault-id dev@pw-dev.txt "$c/extra-vars.yml"
  printf 'included_secret: from include_vars\n' > "$c/included-vars.yml"
  ansible-vault encrypt --vault-id dev@pw-dev.txt "$c/included-vars.yml"
  printf -- '- name: a task from an encrypted task file\n  debug:\n    msg: "tasks decrypted, {{ file_secret }}"\n' > "$c/tasks.yml"
  ansible-vault encrypt --vault-password-file pw-default.txt "$c/tasks.yml"
  printf 'secret file content\n' > "$c/unvault-me.txt"
  ansible-vault encrypt --vault-password-file pw-default.txt "$c/unvault-me.txt"
  # encrypted playbooks: one that runs, one whose error must show where it is without revealing its text
  cd "$here/../core"
  printf -- '# an encrypted playbook (made by test/golden/vault/regenerate.sh)\n- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: the playbook itself was encrypted\n' > vault-encrypted-playbook.yml
  printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg="not-to-be-revealed"\n      bogus_keyword: 1\n' > vault-encrypted-error.yml
  for f in vault-encrypted-playbook vault-encrypted-error; do
    ansible-vault encrypt --vault-password-file vault-files/pw-default.txt "$f.yml"
    echo "--vault-password-file vault-files/pw-default.txt" > "$f.args"
  done
  cd "$here/fixtures"
fi
mkdir -p "$here/expected"
while IFS=$'\t' read -r name command; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  if [ $# -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then continue; fi
  scratch="$(mktemp -d /tmp/tsible-vault-golden.XXXXXX)"
  cp -a "$here/fixtures/." "$here/made/." "$scratch/"
  set +e
  (cd "$scratch" && VAULT=ansible-vault bash -c "$command") > "$here/expected/$name.out" 2> "$here/expected/$name.err" < /dev/null
  echo $? > "$here/expected/$name.rc"
  set -e
  sed -i "s#$scratch#<dir>#g" "$here/expected/$name.out" "$here/expected/$name.err"
  rm -rf "$scratch"
done < "$here/cases.txt"
echo "vault goldens written to $here"
