#!/usr/bin/env bash
# Redraws the swimlane pictures of docs/lock-safety.md from the schedules it quotes (tsible explore --replay ...
# --html). Run from the repository root after `npm run build`.
set -euo pipefail
x() { local out="$1"; shift; node bin/tsible.js explore playbooks/explore-lock.yml --processes 2 "$@" --html "docs/lanes/$out.html" > /dev/null || true; }
x clock-ties      --clock-ties --replay 598804832:1x1.2x7.1x7
x clock-skew      --clock-skew-ms 20 --replay 381708584:1x1.2x7.1x7
x listing-lag     --listing-lag-ms 2000 --replay 381708584:1x7.2x7
x shared-id       --shared-id --replay 689171702:1x7.2x9
x overrun         -e '{"lock_timeout_seconds": 120, "hold_seconds": 400}' --replay 1688465402:1x7.2x52
x pause-after-win --pause-after-win 1000 -e '{"max_obtain_lock_attempts": 40}' --replay 384608033:2x7.1x283
x crash           --crash 1 --liveness --replay 984997383:1x7.2x111:6c
x lost-reply      --lost-replies 1 --liveness --processes 1 --replay 984997383:1x8:2l
echo "pictures written to docs/lanes"
