#!/usr/bin/env bash
# A throw-away single-node Ceph RGW on loopback, for the tests, the demo and the benchmarks: one monitor, one OSD on
# memstore (everything in RAM), no mgr, pools of size 1, radosgw (beast) on a free port, one S3 user with fixed test
# keys. Nothing outside DIR is written; stop kills exactly the processes start launched (their PIDs are in DIR).
#
#   infra/local/rgw.sh install            apt-get install the Ceph packages (Debian; ~70 MB, ~40 s)
#   infra/local/rgw.sh start DIR          start; prints RGW_ENDPOINT=... and the keys, also written to DIR/env
#   infra/local/rgw.sh stop DIR           stop what start started, by PID, and delete DIR
#
# RGW_LC_DEBUG_INTERVAL=N makes a lifecycle "day" N seconds and runs RGW's lifecycle engine every N seconds (for the
# test that watches the engine abort what a rule covers); unset, the engine keeps RGW's defaults.
#
# Facts that cost hours when missed (each is set below): without cephx, radosgw needs "ms mon client mode = crc" or it
# never opens its port; without tcp_nodelay=1 every response with a body stalls ~40 ms (Nagle against delayed ACKs);
# RGW creates its pools lazily, so the first bucket would take ~2 s: they are created while the user is; several
# ceph CLI calls at once collide on one admin socket unless it is named per process; RGW's GC frees the part data of
# aborted uploads after 2 h by default, which a memstore fills up under a benchmark: here after 30 s.
set -euo pipefail

RGW_ACCESS_KEY=${RGW_ACCESS_KEY:-mpa-test-access-key}
RGW_SECRET_KEY=${RGW_SECRET_KEY:-mpa-test-secret-key-0123456789abcdef}
# A second user, for the tests of uploads two users start in one bucket (showback by initiator).
RGW_SECOND_ACCESS_KEY=${RGW_SECOND_ACCESS_KEY:-mpa-test-2-access-key}
RGW_SECOND_SECRET_KEY=${RGW_SECOND_SECRET_KEY:-mpa-test-2-secret-key-0123456789abcdef}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install() {
  if command -v radosgw >/dev/null && command -v ceph-osd >/dev/null && command -v ceph-mon >/dev/null; then return; fi
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd ceph-common >/dev/null
}

start() {
  local dir=$1
  for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
    command -v "$tool" >/dev/null || { echo "rgw.sh: $tool is missing; install Ceph with: $0 install" >&2; exit 3; }
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local mon_port rgw_port fsid
  mon_port=$(free_port)
  rgw_port=$(free_port)
  fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  mkdir -p "$dir/mon" "$dir/osd" "$dir/run" "$dir/log"
  cat >"$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
mon initial members = a
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
run dir = $dir/run
admin socket = $dir/run/\$name.\$pid.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = ${RGW_MEMSTORE_BYTES:-4294967296}
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
rgw gc obj min wait = 30
rgw gc processor period = 30
rgw dns name = 127.0.0.1
rgw enable usage log = false
${RGW_LC_DEBUG_INTERVAL:+rgw lc debug interval = $RGW_LC_DEBUG_INTERVAL}
CONF
  local c=(-c "$dir/ceph.conf")
  # A start that fails half-way leaves nothing running.
  trap 'stop "$dir" keep' ERR
  monmaptool --create --addv a "[v2:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" >/dev/null
  ceph-mon "${c[@]}" --mkfs -i a --monmap "$dir/monmap" >"$dir/log/mkfs-mon.out" 2>&1
  ceph-mon "${c[@]}" -i a
  ceph "${c[@]}" --connect-timeout 60 osd create >/dev/null
  ceph-osd "${c[@]}" -i 0 --mkfs >"$dir/log/mkfs-osd.out" 2>&1
  ceph-osd "${c[@]}" -i 0 2>>"$dir/log/osd.0.err"
  # The pools RGW would otherwise create one by one on first use, made at once beside the user.
  local pools=(.rgw.root default.rgw.log default.rgw.control default.rgw.meta default.rgw.buckets.index
    default.rgw.buckets.data default.rgw.buckets.non-ec)
  for p in "${pools[@]}"; do ceph "${c[@]}" --connect-timeout 60 osd pool create "$p" 8 8 >/dev/null 2>&1 & done
  wait
  for p in "${pools[@]}"; do ceph "${c[@]}" --connect-timeout 60 osd pool application enable "$p" rgw >/dev/null 2>&1 & done
  wait
  radosgw "${c[@]}" -n client.rgw
  radosgw-admin "${c[@]}" user create --uid mpa-test --display-name "mpa test" \
    --access-key "$RGW_ACCESS_KEY" --secret-key "$RGW_SECRET_KEY" >/dev/null
  radosgw-admin "${c[@]}" user create --uid mpa-test-2 --display-name "mpa test 2" \
    --access-key "$RGW_SECOND_ACCESS_KEY" --secret-key "$RGW_SECOND_SECRET_KEY" >/dev/null
  local endpoint="http://127.0.0.1:$rgw_port"
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$endpoint/" && break
    sleep 0.1
  done
  curl -s -o /dev/null "$endpoint/" || { echo "rgw.sh: radosgw did not answer on $endpoint; see $dir/log" >&2; exit 1; }
  printf 'RGW_ENDPOINT=%s\nRGW_ACCESS_KEY=%s\nRGW_SECRET_KEY=%s\nRGW_SECOND_ACCESS_KEY=%s\nRGW_SECOND_SECRET_KEY=%s\n' \
    "$endpoint" "$RGW_ACCESS_KEY" "$RGW_SECRET_KEY" "$RGW_SECOND_ACCESS_KEY" "$RGW_SECOND_SECRET_KEY" | tee "$dir/env"
}

stop() {
  local dir=$1 pid
  [ -d "$dir/run" ] || return 0
  for name in client.rgw osd.0 mon.a; do
    [ -f "$dir/run/$name.pid" ] || continue
    pid=$(cat "$dir/run/$name.pid")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ "${2:-}" = keep ] || rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
