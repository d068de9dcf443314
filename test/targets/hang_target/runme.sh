#!/usr/bin/env bash
echo $$ > "${TSIBLE_HANG_PIDFILE:-/dev/null}"
sleep 600
