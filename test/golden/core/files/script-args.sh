#!/bin/sh
# Prints its arguments one a line, where it runs, and what it was given on stderr.
for a in "$@"; do printf '[%s]\n' "$a"; done
printf 'cwd=%s\n' "$(pwd)"
echo "to stderr" >&2
