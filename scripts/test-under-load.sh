#!/usr/bin/env bash
# Run the whole test suite several times in a row with CPU load beside it, to show that no test
# depends on wall-clock speed (issue #17: "green three times in a row beside a CPU load").
#
#   npm run test:load                # 3 runs of `npm test` beside 2 busy loops
#   npm run test:load -- 5 4         # 5 runs beside 4 busy loops
#
# The busy loops are plain shell loops at normal priority, started before the first run and
# stopped on exit (also on Ctrl-C). Each run's output goes to a log in $TMPDIR; the script prints
# one line per run and a summary, and exits 1 as soon as a run fails.
set -u

runs="${1:-3}"
loops="${2:-2}"
case "$runs$loops" in
  *[!0-9]*) echo "test-under-load: runs and loops must be whole numbers (got '$runs' '$loops')" >&2; exit 2 ;;
esac

logdir="$(mktemp -d "${TMPDIR:-/tmp}/gilsim-test-load.XXXXXX")"
pids=()
stop_loops() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop_loops EXIT
trap 'exit 130' INT TERM

for _ in $(seq "$loops"); do
  sh -c 'while :; do :; done' &
  pids+=("$!")
done
echo "test-under-load: $runs runs of npm test beside $loops busy loops on $(nproc) cores; logs in $logdir"

passed=0
for i in $(seq "$runs"); do
  start=$(date +%s)
  load=$(cut -d' ' -f1 /proc/loadavg)
  if npm test >"$logdir/run-$i.log" 2>&1; then
    status=passed
    passed=$((passed + 1))
  else
    status=FAILED
  fi
  end=$(date +%s)
  summary=$(sed -E 's/\x1b\[[0-9;]*m//g' "$logdir/run-$i.log" | grep -E '^ +Tests +' | tail -1 | sed -E 's/ +/ /g')
  echo "run $i/$runs: $status in $((end - start)) s (load at start $load);${summary:- no vitest summary}"
  if [ "$status" = FAILED ]; then
    echo "test-under-load: run $i failed; see $logdir/run-$i.log" >&2
    exit 1
  fi
done
echo "test-under-load: $passed of $runs runs green beside $loops busy loops"
