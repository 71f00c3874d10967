#!/usr/bin/env bash
# The Slurm recipe on a real Slurm: munged, slurmctld and slurmd started here on localhost with a
# one-node configuration in a temporary folder; examples/cluster/slurm/sweep.sbatch submitted as a
# 4-task array over a small sweep, then merge.sbatch after it; the merged results compared byte for
# byte with the same sweep run unsharded. Every daemon it started is stopped by its PID on exit.
#
# Needs root (to install slurm-wlm and munge when missing, and to run the daemons). Where the
# daemons cannot run it says why and exits 0, unless GILSIM_REQUIRE_SLURM=1, when it fails.
# Bounded: waits at most GILSIM_SLURM_TIMEOUT seconds (default 240) for the jobs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TIMEOUT="${GILSIM_SLURM_TIMEOUT:-240}"
started=$(date +%s)

skip() {
  echo "slurm.sh: skipped: $*" >&2
  if [ "${GILSIM_REQUIRE_SLURM:-0}" = 1 ]; then exit 1; fi
  exit 0
}

[ "$(id -u)" = 0 ] || skip "not root (the daemons and their install need root)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm.sh: installing slurm-wlm and munge" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge) \
    >/dev/null 2>&1 || skip "slurm-wlm and munge could not be installed"
fi

WORK="$(mktemp -d /tmp/gilsim-slurm-XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local code=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Two free TCP ports for slurmctld and slurmd (so a system Slurm, or another run, is not disturbed).
read -r CTLD_PORT SLURMD_PORT < <(node -e '
  const net = require("node:net");
  const free = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  Promise.all([free(), free()]).then((p) => console.log(p.join(" ")));')

mkdir -p "$WORK/munge" "$WORK/state" "$WORK/spool" "$WORK/log" "$WORK/jobs"
chmod 700 "$WORK/munge"
head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
chmod 600 "$WORK/munge/munge.key"
MUNGE_SOCKET="$WORK/munge/munge.sock"
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/seed" \
  >"$WORK/log/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$MUNGE_SOCKET" ] && break; sleep 0.1; done
[ -S "$MUNGE_SOCKET" ] || skip "munged did not start: $(tail -n 3 "$WORK/log/munged.out" | tr '\n' ' ')"

HOST="$(hostname -s)"
CPUS="$(nproc)"
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=gilsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=gilsim Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
up=0
for _ in $(seq 100); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then up=1; break; fi
  sleep 0.2
done
[ "$up" = 1 ] || skip "slurmctld and slurmd did not come up: $(tail -n 2 "$WORK/log/slurmctld.out" "$WORK/log/slurmd.out" 2>/dev/null | tr '\n' ' ')"
echo "slurm.sh: slurmctld and slurmd up on $HOST (ports $CTLD_PORT, $SLURMD_PORT), $(($(date +%s) - started)) s" >&2

# A small sweep: 8 points of a 40-task scenario, 2 replications each.
cat >"$WORK/scenario.json" <<'EOF'
{
  "name": "slurm-test",
  "seed": 7,
  "machine": { "cores": 2 },
  "executor": { "kind": "threads", "workers": 2 },
  "workload": {
    "arrivals": { "kind": "poisson", "rate": "200/s", "count": 40 },
    "classes": [{ "name": "a", "steps": [{ "cpu": { "dist": "exponential", "mean": "2ms" } }, { "io": "1ms" }] }]
  },
  "run": { "replications": 2, "trace": false }
}
EOF
SWEEP=("$WORK/scenario.json" --vary executor.workers=1..4 --vary machine.cores=1,2 --replications 2)
export GILSIM="$(command -v node) $ROOT/bin/gilsim.js"
export GILSIM_OUT="$WORK/results"

# The recipe as users submit it: the array, then the merge once every task has succeeded.
submitted=$(date +%s)
jid=$(sbatch --parsable --chdir="$WORK/jobs" --array=0-3 --cpus-per-task=1 \
  "$ROOT/examples/cluster/slurm/sweep.sbatch" "${SWEEP[@]}")
mid=$(sbatch --parsable --chdir="$WORK/jobs" --dependency=afterok:"$jid" "$ROOT/examples/cluster/slurm/merge.sbatch" --no-figures)
echo "slurm.sh: submitted array job $jid and merge job $mid" >&2
deadline=$((submitted + TIMEOUT))
while [ -n "$(squeue -h -j "$jid,$mid" -o %i 2>/dev/null)" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    squeue -j "$jid,$mid" >&2 || true
    tail -n 5 "$WORK"/jobs/*.out >&2 || true
    echo "slurm.sh: FAILED: the jobs did not finish within $TIMEOUT s" >&2
    exit 1
  fi
  sleep 1
done
finished=$(date +%s)
for log in "$WORK"/jobs/gilsim-sweep-*.out; do
  echo "slurm.sh: $(basename "$log"): $(head -n 1 "$log")" >&2
done
if [ ! -f "$GILSIM_OUT/merged/sweep.json" ]; then
  tail -n 5 "$WORK"/jobs/*.out >&2 || true
  echo "slurm.sh: FAILED: no merged results (a task or the merge failed)" >&2
  exit 1
fi

# The same sweep in one piece, outside Slurm.
$GILSIM sweep "${SWEEP[@]}" --workers 1 --out "$WORK/unsharded" --no-figures >/dev/null
for name in sweep.json sweep.csv; do
  if ! cmp -s "$GILSIM_OUT/merged/$name" "$WORK/unsharded/$name"; then
    echo "slurm.sh: FAILED: merged $name differs from the unsharded run's" >&2
    diff <(head -c 2000 "$GILSIM_OUT/merged/$name") <(head -c 2000 "$WORK/unsharded/$name") >&2 || true
    exit 1
  fi
done
echo "slurm.sh: passed: 4-task array and merge ran on Slurm in $((finished - submitted)) s; merged sweep.json and sweep.csv equal the unsharded run's, byte for byte"
