#!/bin/sh
# Bring up a single-node SLURM (Debian's slurm-wlm 22.05 + munge) on this machine, without
# systemd, for the jobs/*.sbatch tests; idempotent (a SLURM that already answers with an idle
# node is left alone). Needs root: it installs packages and starts daemons.
#
#   tests/slurm/slurm_up.sh        # prints the node line of sinfo when ready; exit 1 + reason if not
#
# The configuration is the smallest that behaves like a real site for our scripts:
# one node with this machine's real CPUs and memory (from `slurmd -C`), one default
# partition, select/cons_tres, proctrack/linuxproc (no cgroups or systemd needed),
# JobRequeue=1, and MpiDefault=none so that the scripts' own choice of --mpi=pmix is what
# makes MPI start. It is written to /etc/slurm/slurm.conf only if no other configuration is
# there (a site's file is never overwritten).
set -eu

MARK="# written by liereg tests/slurm/slurm_up.sh"
CONF=/etc/slurm/slurm.conf
LOGDIR=/var/log/slurm

fail() {
  echo "slurm_up: error: $*" >&2
  exit 1
}

node_idle() {
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1) || return 1
  case $state in idle | mixed | allocated) return 0 ;; *) return 1 ;; esac
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (installs slurm-wlm and munge, starts their daemons)"

if command -v sinfo >/dev/null 2>&1 && node_idle; then
  sinfo -N -h
  exit 0
fi

install_packages() {
  command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 &&
    command -v sbatch >/dev/null 2>&1 && return 0
  echo "slurm_up: installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null ||
    fail "apt-get install slurm-wlm munge failed"
}

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key ||
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
  chown munge:munge /etc/munge/munge.key && chmod 600 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 755 /run/munge
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start (see /var/log/munge/munged.log)"
  i=0
  until munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -le 50 ] || fail "munge does not answer (see /var/log/munge/munged.log)"
    sleep 0.2
  done
}

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    fail "$CONF exists and was not written by this script (a site configuration); refusing to overwrite it"
  fi
  host=$(hostname -s)
  # slurmd -C prints this machine's node line: CPUs, sockets/cores/threads, RealMemory.
  node=$(slurmd -C 2>/dev/null | head -n 1)
  case $node in NodeName=*) ;; *) fail "slurmd -C did not report the node's hardware (got '$node')" ;; esac
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$LOGDIR"
  cat >"$CONF.new" <<CONFEOF
$MARK
ClusterName=liereg-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobRequeue=1
ReturnToService=2
MinJobAge=3600
KillWait=30
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONFEOF
  mv "$CONF.new" "$CONF"
}

daemon_running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_slurm() {
  # -c: a cold start forgets the jobs of an earlier (killed) test run, which would otherwise be
  # restarted and hold the node
  daemon_running /run/slurmctld.pid || slurmctld -c || fail "slurmctld did not start (see $LOGDIR/slurmctld.log)"
  daemon_running /run/slurmd.pid || slurmd || fail "slurmd did not start (see $LOGDIR/slurmd.log)"
  i=0
  until node_idle; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
      tail -n 5 "$LOGDIR/slurmctld.log" "$LOGDIR/slurmd.log" >&2 || true
      fail "node not idle after 30 s (sinfo: $(sinfo -h -N 2>&1 | head -n 1))"
    fi
    # a node that was DOWN from an earlier configuration comes back with this
    [ $i -eq 20 ] && scontrol update NodeName="$(hostname -s)" State=RESUME 2>/dev/null || true
    sleep 0.5
  done
}

install_packages
start_munge
write_conf
start_slurm
sinfo -N -h
