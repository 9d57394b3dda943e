#!/usr/bin/env bash
# Real monitoring backends for the tests, on 127.0.0.1 only, without systemd:
# the opswall simulator, node_exporter, Alertmanager, Prometheus and
# VictoriaMetrics (both holding 6 h of the simulator's history and scraping it
# live), and Zabbix 6.0 (own PostgreSQL cluster, PHP's built-in web server,
# trapper items provisioned from the simulator and filled with its history).
#
# Usage: scripts/backends.sh install|start|stop|status
#   install  apt-get the Debian packages that are missing (root only)
#   start    stop anything left over, install if needed, start everything on
#            fresh data, write $BACKENDS_DIR/env (export lines for the tests)
#   stop     stop everything this script started (safe when nothing runs)
#   status   list which of our ports listen
# Environment:
#   BACKENDS_DIR  runtime dir (default target/backends): etc/ data/ logs/ run/ env
#   OPSWALL_BIN   the opswall binary (default target/release/opswall)
#   WITH_ZABBIX   0 skips Zabbix and PostgreSQL (default 1)
#   OPSWALL_APT_UPDATED=1  apt-get update already ran in this job; skip it
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BACKENDS_DIR=${BACKENDS_DIR:-$ROOT/target/backends}
OPSWALL_BIN=${OPSWALL_BIN:-$ROOT/target/release/opswall}
WITH_ZABBIX=${WITH_ZABBIX:-1}

SEED=1 HOURS=6 STEP_S=15 ZBX_STEP_S=60 TICK_S=15
P_SIM=18700 P_NODE=19100 P_AM=19093 P_PROM=19090 P_VM=18428
P_PG=15432 P_ZBX=20051 P_WEB=18080
LOOP=127.0.0.1
ZBX_URL=http://$LOOP:$P_WEB/api_jsonrpc.php

ms() { date +%s%3N; }
log() { printf '[backends %s] %s\n' "$(date +%T)" "$*"; }
die() { log "FAIL: $*" >&2; exit 1; }

# Timings of the steps, printed again as a summary at the end of start.
TIMINGS=()
step_done() { # step_done NAME T0
  local d=$(( $(ms) - $2 ))
  TIMINGS+=("$(printf '%-28s %7d ms' "$1" "$d")")
  log "$1 done ($d ms)"
}

# Make BACKENDS_DIR absolute (configs and daemons need absolute paths).
abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

layout() {
  BACKENDS_DIR=$(abs_dir "$BACKENDS_DIR")
  ETC=$BACKENDS_DIR/etc DATA=$BACKENDS_DIR/data LOGS=$BACKENDS_DIR/logs RUN=$BACKENDS_DIR/run
  # Unix socket paths are limited to about 107 bytes, and the postgres user
  # must be able to reach its cluster: when BACKENDS_DIR is deep, or not
  # reachable by postgres, those two live in /tmp under a name derived from it.
  local key; key=$(printf '%s' "$BACKENDS_DIR" | cksum | cut -d' ' -f1)
  SOCK=$RUN/sock
  [ ${#SOCK} -le 60 ] || SOCK=/tmp/opswall-backends-$key/sock
  PGROOT=$BACKENDS_DIR/pg
  local alt=/tmp/opswall-backends-$key/pg
  if [ -d "$alt" ] && [ ! -d "$PGROOT" ]; then
    PGROOT=$alt
  elif [ "$WITH_ZABBIX" = 1 ] && [ ! -d "$PGROOT" ] && id postgres >/dev/null 2>&1; then
    mkdir -p "$PGROOT"
    runuser -u postgres -- test -x "$PGROOT" 2>/dev/null || { rmdir "$PGROOT"; PGROOT=$alt; }
  fi
  PGDATA_DIR=$PGROOT/data
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
}

# ---------------------------------------------------------------- install
# package  test that says it is present
PKG_CHECKS=(
  "prometheus|command -v prometheus && command -v promtool"
  "prometheus-alertmanager|command -v prometheus-alertmanager"
  "prometheus-node-exporter|command -v prometheus-node-exporter"
  "victoria-metrics|command -v victoria-metrics"
  "curl|command -v curl"
  "python3|command -v python3"
)
ZBX_PKG_CHECKS=(
  "postgresql|ls /usr/lib/postgresql/*/bin/initdb"
  "zabbix-server-pgsql|command -v zabbix_server && test -f /usr/share/zabbix-server-pgsql/schema.sql.gz"
  "zabbix-frontend-php|test -f /usr/share/zabbix/api_jsonrpc.php"
  "php-cli|command -v php"
  "php-pgsql|php -m | grep -qx pgsql"
  "zabbix-agent|command -v zabbix_sender"   # Debian ships zabbix_sender in zabbix-agent
)

missing_packages() {
  local c pkgs=() checks=("${PKG_CHECKS[@]}")
  [ "$WITH_ZABBIX" = 1 ] && checks+=("${ZBX_PKG_CHECKS[@]}")
  for c in "${checks[@]}"; do
    bash -c "${c#*|}" >/dev/null 2>&1 || pkgs+=("${c%%|*}")
  done
  echo "${pkgs[@]:-}"
}

install() {
  local t0 pkgs; t0=$(ms)
  pkgs=$(missing_packages)
  if [ -z "$pkgs" ]; then
    log "install: every package is present"
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "missing packages: $pkgs — run scripts/backends.sh install as root on Debian, or install them yourself"
  fi
  log "install: $pkgs"
  # Debian's postinst scripts would start the daemons; forbid that.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
  fi
  mkdir -p "$ROOT/target"
  local alog=$ROOT/target/backends-apt.log
  export DEBIAN_FRONTEND=noninteractive
  if [ "${OPSWALL_APT_UPDATED:-0}" != 1 ]; then
    apt-get update -q >"$alog" 2>&1 || { tail -20 "$alog" >&2; die "apt-get update"; }
  fi
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $pkgs >>"$alog" 2>&1 \
    || { tail -30 "$alog" >&2; die "apt-get install $pkgs"; }
  pkgs=$(missing_packages)
  [ -z "$pkgs" ] || die "still missing after apt-get install: $pkgs"
  step_done install "$t0"
}

# ---------------------------------------------------------------- helpers
# bg NAME CMD... : run CMD in its own session (setsid) with its own log; the
# PID recorded is also the process group, so stop() reaches every child.
bg() {
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

alive() { # zombies count as dead
  local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $s != Z* ]]
}

fail_with_log() { # fail_with_log NAME LOGFILE MESSAGE
  {
    log "FAIL: $1: $3"
    local f
    # The log named, and the daemon's own stdout/stderr when that is another file.
    for f in "$2" "$LOGS/$1.log"; do
      if [ -s "$f" ]; then
        echo "---- last lines of $f ----"
        tail -n 40 "$f"
        echo "----"
      fi
      [ "$LOGS/$1.log" != "$2" ] || break
    done
  } >&2
  return 1
}

# wait_ready NAME TIMEOUT_S LOGFILE CMD... : poll CMD every 0.2 s
wait_ready() {
  local name=$1 to=$2 lf=$3 t0 deadline pidf; shift 3
  t0=$(ms); deadline=$(( t0 + to * 1000 )); pidf=$RUN/$name.pid
  until "$@" >/dev/null 2>&1; do
    if [ -s "$pidf" ] && ! alive "$(cat "$pidf")"; then
      fail_with_log "$name" "$lf" "the process exited"; return 1
    fi
    if [ "$(ms)" -ge "$deadline" ]; then
      fail_with_log "$name" "$lf" "not ready after ${to} s"; return 1
    fi
    sleep 0.2
  done
  log "$name ready ($(( $(ms) - t0 )) ms)"
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$1"; }
port_open() { (exec 3<>"/dev/tcp/$LOOP/$1") 2>/dev/null; }

# json_ok URL PYTHON-EXPR : fetch JSON, true when EXPR (over d) holds
json_ok() {
  curl -fsS --max-time 5 "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2"
}

zbx_api_ok() {
  curl -fsS --max-time 5 -H 'Content-Type: application/json-rpc' \
    -d '{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' "$ZBX_URL" | grep -q '"result"'
}

# ---------------------------------------------------------------- configs
write_configs() {
  cat >"$ETC/prometheus.yml" <<EOF
global:
  scrape_interval: 15s
  evaluation_interval: 5s
alerting:
  alertmanagers:
    - static_configs: [{targets: ['$LOOP:$P_AM']}]
rule_files: ['$ETC/rules.yml']
scrape_configs:
$(sim_scrape_job)
  - job_name: node
    static_configs: [{targets: ['$LOOP:$P_NODE'], labels: {instance: ci-node}}]
  - job_name: prometheus
    static_configs: [{targets: ['$LOOP:$P_PROM']}]
EOF
  cat >"$ETC/rules.yml" <<'EOF'
groups:
  - name: opswall
    rules:
      - alert: OpswallWatchdog
        expr: vector(1)
        for: 0s
        labels: {severity: info}
        annotations: {summary: "监控链路正常"}
      - alert: TablespaceAlmostFull
        expr: oracledb_tablespace_used_percent > 85
        for: 0s
        labels: {severity: critical, kpi: ora_tablespace_used_pct}
        annotations:
          summary: '表空间 {{ $labels.database }}/{{ $labels.tablespace }} 使用率 {{ $value | printf "%.1f" }}%'
      - alert: WeblogicHeapLow
        expr: wls_jvm_heap_free_percent < 20
        for: 0s
        labels: {severity: warning, kpi: wls_heap_free_pct}
        annotations:
          summary: 'WebLogic {{ $labels.server }} 堆空闲 {{ $value | printf "%.1f" }}%'
      - alert: HostCpuHigh
        expr: instance:node_cpu_utilisation:percent > 80
        for: 0s
        labels: {severity: warning, kpi: host_cpu_total_pct}
        annotations:
          summary: '主机 {{ $labels.instance }} CPU 使用率 {{ $value | printf "%.1f" }}%'
      - alert: CiNodeUp
        expr: up{job="node"} == 1
        for: 0s
        labels: {severity: warning}
        annotations:
          summary: 'CI 节点 {{ $labels.instance }} 的 node_exporter 在线'
      - alert: CiInhibitedByWatchdog
        expr: vector(1)
        for: 0s
        labels: {severity: warning}
        annotations: {summary: "被 OpswallWatchdog 抑制的告警"}
EOF
  cat >"$ETC/alertmanager.yml" <<'EOF'
route:
  receiver: 'null'
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: 'null'
inhibit_rules:
  - source_matchers: [alertname="OpswallWatchdog"]
    target_matchers: [alertname="CiInhibitedByWatchdog"]
EOF
  cat >"$ETC/vm-scrape.yml" <<EOF
global:
  scrape_interval: 15s
scrape_configs:
$(sim_scrape_job)
EOF
  promtool check config "$ETC/prometheus.yml" >"$LOGS/promtool-check.log" 2>&1 \
    || fail_with_log promtool "$LOGS/promtool-check.log" "check config"
  promtool check rules "$ETC/rules.yml" >>"$LOGS/promtool-check.log" 2>&1 \
    || fail_with_log promtool "$LOGS/promtool-check.log" "check rules"
}

# The scrape job of the simulator, the same for Prometheus and VictoriaMetrics.
# Samples keep the simulator's labels and simulated timestamps. The scrape
# adds job="opswall-sim" to every series, and instance="<address>" to those
# without one; the backfilled history has neither. Take them off again so that
# history and live samples are one series (up{job="opswall-sim"} is not
# touched by metric relabelling).
sim_scrape_job() {
  cat <<EOF
  - job_name: opswall-sim
    metrics_path: /metrics
    honor_labels: true
    honor_timestamps: true
    static_configs: [{targets: ['$LOOP:$P_SIM']}]
    metric_relabel_configs:
      - {action: labeldrop, regex: job}
      - {source_labels: [instance], regex: '$LOOP:$P_SIM', target_label: instance, replacement: ''}
EOF
}

# ---------------------------------------------------------------- steps
start_sim() {
  [ -x "$OPSWALL_BIN" ] || die "the opswall binary $OPSWALL_BIN is missing; build it first: cargo build --release --bin opswall (or set OPSWALL_BIN)"
  bg opswall-sim "$OPSWALL_BIN" sim --listen "$LOOP:$P_SIM" --seed "$SEED" --tick "$TICK_S"
  wait_ready opswall-sim 30 "$LOGS/opswall-sim.log" \
    json_ok "http://$LOOP:$P_SIM/api/v1/about" 'isinstance(d, (dict, list))'
}

export_history() {
  local kind pids=() names=() i rc=0 t0
  local common=(--seed "$SEED" --to-ms "$TO_MS" --hours "$HOURS")
  run_export() { # run_export NAME ARGS... (in the background)
    local name=$1; shift
    ( t0=$(ms); "$OPSWALL_BIN" sim export "$@" >"$LOGS/export-$name.log" 2>&1 \
        && echo "export $name: $(( $(ms) - t0 )) ms" >>"$LOGS/export-$name.log" ) &
    pids+=($!); names+=("$name")
  }
  run_export openmetrics openmetrics "${common[@]}" --step-s "$STEP_S" --out "$DATA/history.om"
  run_export vm vm "${common[@]}" --step-s "$STEP_S" --out "$DATA/history-vm.jsonl"
  if [ "$WITH_ZABBIX" = 1 ]; then
    run_export zabbix-hosts zabbix-hosts --seed "$SEED" --out "$DATA/zabbix-hosts.json"
    run_export zabbix zabbix "${common[@]}" --step-s "$ZBX_STEP_S" --out "$DATA/zabbix-history.txt"
  fi
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      fail_with_log "opswall sim export ${names[$i]}" "$LOGS/export-${names[$i]}.log" "non-zero exit" || rc=1
    fi
  done
  [ $rc = 0 ] || return 1
  for kind in "${names[@]}"; do tail -n1 "$LOGS/export-$kind.log" | sed 's/^/  /'; done
  # Prometheus history goes into its TSDB directory as blocks, before it starts.
  t0=$(ms)
  promtool tsdb create-blocks-from openmetrics --max-block-duration=24h \
    "$DATA/history.om" "$DATA/prometheus" >"$LOGS/promtool-backfill.log" 2>&1 \
    || { fail_with_log promtool "$LOGS/promtool-backfill.log" "tsdb create-blocks-from openmetrics"; return 1; }
  log "  promtool backfill: $(( $(ms) - t0 )) ms, $(ls -d "$DATA"/prometheus/01* 2>/dev/null | wc -l) blocks"
}

start_node_exporter() {
  mkdir -p "$DATA/textfile"
  bg node-exporter prometheus-node-exporter --web.listen-address="$LOOP:$P_NODE" \
    --no-collector.systemd --collector.textfile.directory="$DATA/textfile"
  wait_ready node-exporter 20 "$LOGS/node-exporter.log" http_ok "http://$LOOP:$P_NODE/metrics"
}

start_alertmanager() {
  bg alertmanager prometheus-alertmanager --config.file="$ETC/alertmanager.yml" \
    --storage.path="$DATA/alertmanager" --web.listen-address="$LOOP:$P_AM" --cluster.listen-address=
  wait_ready alertmanager 30 "$LOGS/alertmanager.log" http_ok "http://$LOOP:$P_AM/-/ready"
}

start_prometheus() {
  bg prometheus prometheus --config.file="$ETC/prometheus.yml" --storage.tsdb.path="$DATA/prometheus" \
    --storage.tsdb.retention.time=30d --web.listen-address="$LOOP:$P_PROM" \
    --web.enable-lifecycle --rules.alert.resend-delay=5s
  wait_ready prometheus 60 "$LOGS/prometheus.log" http_ok "http://$LOOP:$P_PROM/-/ready"
}

start_vm() {
  local t0 out
  bg victoria-metrics victoria-metrics -httpListenAddr="$LOOP:$P_VM" -storageDataPath="$DATA/vm" \
    -retentionPeriod=1y -search.latencyOffset=1s -search.disableCache \
    -promscrape.config="$ETC/vm-scrape.yml"
  wait_ready victoria-metrics 30 "$LOGS/victoria-metrics.log" http_ok "http://$LOOP:$P_VM/health"
  t0=$(ms)
  if ! out=$(curl -sS --fail-with-body --max-time 120 --data-binary "@$DATA/history-vm.jsonl" \
      "http://$LOOP:$P_VM/api/v1/import" 2>&1); then
    echo "$out" >>"$LOGS/victoria-metrics.log"
    fail_with_log victoria-metrics "$LOGS/victoria-metrics.log" "POST /api/v1/import failed"; return 1
  fi
  curl -fsS -o /dev/null --max-time 30 "http://$LOOP:$P_VM/internal/force_flush" \
    || { fail_with_log victoria-metrics "$LOGS/victoria-metrics.log" "GET /internal/force_flush failed"; return 1; }
  log "  victoria-metrics import + flush: $(( $(ms) - t0 )) ms"
}

# --- Zabbix
zbx_conf() {
  mkdir -p "$SOCK"
  cat >"$ETC/zabbix_server.conf" <<EOF
LogType=file
LogFile=$LOGS/zabbix_server.log
LogFileSize=0
PidFile=$RUN/zabbix_server.pid
SocketDir=$SOCK
DBHost=$LOOP
DBPort=$P_PG
DBName=zabbix
DBUser=zabbix
DBPassword=zabbix
ListenIP=$LOOP
ListenPort=$P_ZBX
AllowRoot=1
CacheUpdateFrequency=10
CacheSize=64M
HistoryCacheSize=128M
HistoryIndexCacheSize=32M
StartPollers=1
StartPollersUnreachable=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTrappers=3
StartPreprocessors=2
StartDBSyncers=2
StartEscalators=1
StartAlerters=1
StartLLDProcessors=1
StartReportWriters=0
HousekeepingFrequency=0
StatsAllowedIP=$LOOP
Timeout=10
EOF
  cat >"$ETC/zabbix.conf.php" <<EOF
<?php
// Generated by scripts/backends.sh; /etc/zabbix/zabbix.conf.php links here.
\$DB['TYPE']     = 'POSTGRESQL';
\$DB['SERVER']   = '$LOOP';
\$DB['PORT']     = '$P_PG';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER']     = 'zabbix';
\$DB['PASSWORD'] = 'zabbix';
\$DB['SCHEMA']   = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER      = '$LOOP';
\$ZBX_SERVER_PORT = '$P_ZBX';
\$ZBX_SERVER_NAME = 'opswall-ci';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
  # Debian's frontend reads this one fixed path.
  mkdir -p /etc/zabbix
  ln -sfn "$ETC/zabbix.conf.php" /etc/zabbix/zabbix.conf.php
}

psql_pg() { PGOPTIONS="-c client_min_messages=warning" psql -h "$SOCK" -p "$P_PG" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

start_postgres() {
  [ -n "$PGBIN" ] || die "PostgreSQL is not installed"
  mkdir -p "$PGROOT" "$SOCK"
  chown postgres:postgres "$PGROOT"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    rm -rf "$PGDATA_DIR"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1 \
      || { fail_with_log postgres "$LOGS/initdb.log" "initdb"; return 1; }
  fi
  local pglog=$PGROOT/postgres.log
  touch "$pglog"; chown postgres "$pglog"
  ln -sfn "$pglog" "$LOGS/postgres.log"
  chmod 1777 "$SOCK"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$pglog" -w -t 60 -s \
    -o "-p $P_PG -k $SOCK -c listen_addresses=$LOOP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start || { fail_with_log postgres "$pglog" "pg_ctl start"; return 1; }
  log "postgres ready"
}

# A fresh zabbix database each start, copied from a pristine one that holds
# the imported schema (imported once per cluster and package version).
zabbix_database() {
  local t0 ver have; t0=$(ms)
  ver=$(dpkg-query -W -f='${Version}' zabbix-server-pgsql 2>/dev/null || echo unknown)
  have=$(psql_pg -tAc "select shobj_description(oid, 'pg_database') from pg_database where datname='zabbix_pristine'")
  if [ "$have" != "$ver" ]; then
    psql_pg -c "DROP DATABASE IF EXISTS zabbix" -c "DROP DATABASE IF EXISTS zabbix_pristine" >/dev/null
    psql_pg -tAc "select 1 from pg_roles where rolname='zabbix'" | grep -q 1 \
      || psql_pg -c "CREATE ROLE zabbix LOGIN PASSWORD 'zabbix'"
    psql_pg -c "CREATE DATABASE zabbix_pristine OWNER zabbix ENCODING 'UTF8' TEMPLATE template0"
    # The files hold their own transactions: no psql -1. The tables belong to
    # zabbix; the rows go in as superuser without foreign-key triggers
    # (session_replication_role=replica), a third faster, the data being
    # Zabbix's own and consistent.
    { zcat /usr/share/zabbix-server-pgsql/schema.sql.gz \
        | PGPASSWORD=zabbix psql -h "$SOCK" -p "$P_PG" -U zabbix -d zabbix_pristine -X -q -v ON_ERROR_STOP=1 \
      && zcat /usr/share/zabbix-server-pgsql/{images,data}.sql.gz \
        | PGOPTIONS="-c client_min_messages=warning -c session_replication_role=replica" \
          psql -h "$SOCK" -p "$P_PG" -U postgres -d zabbix_pristine -X -q -v ON_ERROR_STOP=1; \
    } >"$LOGS/zabbix-schema.log" 2>&1 \
      || { fail_with_log postgres "$LOGS/zabbix-schema.log" "zabbix schema import"; return 1; }
    psql_pg -c "COMMENT ON DATABASE zabbix_pristine IS '$ver'"
    log "  zabbix schema imported ($(( $(ms) - t0 )) ms)"
  fi
  psql_pg -c "DROP DATABASE IF EXISTS zabbix" \
    -c "CREATE DATABASE zabbix OWNER zabbix TEMPLATE zabbix_pristine" >/dev/null
}

# PostgreSQL and the schema import are the slowest part of a first start: they
# run in the background from the beginning of start, while the other steps go on.
ZBX_DB_PID=
zabbix_db_begin() {
  ( t0=$(ms); start_postgres && zabbix_database && echo $(( $(ms) - t0 )) >"$RUN/zabbix-db.ms" ) \
    >"$LOGS/zabbix-db.log" 2>&1 &
  ZBX_DB_PID=$!
}

start_zabbix() {
  local t0 t1 out try lines probe tos
  t0=$(ms)
  zbx_conf
  if ! wait "$ZBX_DB_PID"; then
    ZBX_DB_PID=
    fail_with_log zabbix-db "$LOGS/zabbix-db.log" "PostgreSQL or the zabbix database"; return 1
  fi
  ZBX_DB_PID=
  sed 's/^/  /' "$LOGS/zabbix-db.log"
  log "  postgres + zabbix database: $(cat "$RUN/zabbix-db.ms") ms (in the background)"
  step_done "zabbix: wait for database" "$t0"

  t1=$(ms)
  bg zabbix-server zabbix_server -f -c "$ETC/zabbix_server.conf"
  PHP_CLI_SERVER_WORKERS=4 bg zabbix-web php -d memory_limit=512M -d max_execution_time=300 \
    -d post_max_size=64M -d display_errors=stderr -S "$LOOP:$P_WEB" -t /usr/share/zabbix
  wait_ready zabbix-server 30 "$LOGS/zabbix_server.log" port_open "$P_ZBX"
  wait_ready zabbix-web 30 "$LOGS/zabbix-web.log" zbx_api_ok
  step_done "zabbix: server + frontend" "$t1"

  t1=$(ms)
  python3 "$HERE/zabbix-provision.py" --url "$ZBX_URL" --hosts "$DATA/zabbix-hosts.json" \
    --token-out "$RUN/zabbix.token" >"$LOGS/zabbix-provision.log" 2>&1 \
    || { fail_with_log zabbix-provision "$LOGS/zabbix-provision.log" "provisioning through the API"; return 1; }
  sed 's/^/  /' "$LOGS/zabbix-provision.log"
  zabbix_server -c "$ETC/zabbix_server.conf" -R config_cache_reload >>"$LOGS/zabbix-provision.log" 2>&1 \
    || { fail_with_log zabbix-server "$LOGS/zabbix-provision.log" "config_cache_reload"; return 1; }
  step_done "zabbix: provision" "$t1"

  t1=$(ms)
  # New items reach the server's configuration cache asynchronously. Probe
  # with one history line of the last item created (it is in the cache only
  # when all are) until it is accepted, then send the rest once: a retry of
  # the whole file would store duplicates.
  lines=$(grep -c "" "$DATA/zabbix-history.txt")
  probe=$(python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["hosts"]
last = [(x["host"], i["key"]) for x in h for i in x.get("items", [])][-1]
print("%s %s " % last)' "$DATA/zabbix-hosts.json")
  grep -m1 -F -- "$probe" "$DATA/zabbix-history.txt" >"$DATA/zabbix-probe.txt" \
    || die "zabbix history has no line for the last item ($probe)"
  grep -v -x -F -f "$DATA/zabbix-probe.txt" "$DATA/zabbix-history.txt" >"$DATA/zabbix-rest.txt" || true
  [ $(( $(grep -c "" "$DATA/zabbix-rest.txt") + 1 )) = "$lines" ] \
    || die "zabbix history: the probe line is not unique"
  for try in $(seq 1 60); do
    out=$(zabbix_sender -z "$LOOP" -p "$P_ZBX" -T -i "$DATA/zabbix-probe.txt" 2>&1 || true)
    echo "$out" >>"$LOGS/zabbix-sender.log"
    grep -q 'processed: 1; failed: 0' <<<"$out" && break
    [ "$try" = 60 ] && { fail_with_log zabbix-sender "$LOGS/zabbix-sender.log" "the server never accepted the probe value (items not in its cache after 30 s)"; return 1; }
    sleep 0.5
  done
  out=$(zabbix_sender -z "$LOOP" -p "$P_ZBX" -T -i "$DATA/zabbix-rest.txt" 2>&1 || true)
  echo "$out" >>"$LOGS/zabbix-sender.log"
  if grep -q 'failed: [1-9]' <<<"$out" || ! grep -q "^sent: $(( lines - 1 )); skipped: 0" <<<"$out"; then
    fail_with_log zabbix-sender "$LOGS/zabbix-sender.log" "zabbix_sender did not deliver every value"; return 1
  fi
  # Wait until the history syncers have written every value to the database.
  tos=$(( TO_MS / 1000 ))
  for try in $(seq 1 120); do
    [ "$(psql_pg -d zabbix -tAc "select count(*) from history where clock <= $tos")" -ge "$lines" ] && break
    [ "$try" = 120 ] && { fail_with_log zabbix-server "$LOGS/zabbix_server.log" "history not in the database after 60 s"; return 1; }
    sleep 0.5
  done
  log "  zabbix history: $lines values, probe accepted after $try tries"
  step_done "zabbix: history" "$t1"
}

wait_data() {
  wait_ready "prometheus scrape of the simulator" 60 "$LOGS/prometheus.log" json_ok \
    "http://$LOOP:$P_PROM/api/v1/query?query=up%7Bjob%3D%22opswall-sim%22%7D" \
    'any(r["value"][1] == "1" for r in d["data"]["result"])'
  wait_ready "alertmanager OpswallWatchdog" 90 "$LOGS/prometheus.log" json_ok \
    "http://$LOOP:$P_AM/api/v2/alerts" \
    'any(a["labels"].get("alertname") == "OpswallWatchdog" for a in d)'
}

write_env() {
  {
    echo "export OPSWALL_SIM_URL=http://$LOOP:$P_SIM"
    echo "export OPSWALL_PROMETHEUS_URL=http://$LOOP:$P_PROM"
    echo "export OPSWALL_VM_URL=http://$LOOP:$P_VM"
    echo "export OPSWALL_ALERTMANAGER_URL=http://$LOOP:$P_AM"
    echo "export OPSWALL_NODE_EXPORTER_URL=http://$LOOP:$P_NODE"
    if [ "$WITH_ZABBIX" = 1 ]; then
      echo "export OPSWALL_ZABBIX_URL=$ZBX_URL"
      echo "export OPSWALL_ZABBIX_USER=Admin"
      echo "export OPSWALL_ZABBIX_PASSWORD=zabbix"
      echo "export OPSWALL_ZABBIX_TOKEN=$(cat "$RUN/zabbix.token")"
      echo "export OPSWALL_ZABBIX_STEP_S=$ZBX_STEP_S"
      echo "export OPSWALL_ZABBIX_SERVER=$LOOP:$P_ZBX"
    fi
    echo "export OPSWALL_SIM_SEED=$SEED"
    echo "export OPSWALL_HISTORY_TO_MS=$TO_MS"
    echo "export OPSWALL_HISTORY_HOURS=$HOURS"
    echo "export OPSWALL_HISTORY_STEP_S=$STEP_S"
    echo "export OPSWALL_BACKENDS=1"
  } >"$BACKENDS_DIR/env.new"
  mv "$BACKENDS_DIR/env.new" "$BACKENDS_DIR/env"
}

start() {
  local T0 t0; T0=$(ms)
  install
  layout
  [ -x "$OPSWALL_BIN" ] || die "the opswall binary $OPSWALL_BIN is missing; build it first: cargo build --release --bin opswall (or set OPSWALL_BIN)"
  stop >/dev/null
  ports_free
  # Fresh data every start (the PostgreSQL cluster stays; its zabbix database is new).
  rm -rf "$ETC" "$DATA" "$LOGS" "$RUN" "$BACKENDS_DIR/env"
  mkdir -p "$ETC" "$DATA/prometheus" "$LOGS" "$RUN"
  # If anything below fails, stop what did start (the logs stay).
  trap 'rc=$?; if [ $rc != 0 ]; then log "start failed; stopping what started" >&2
    [ -z "$ZBX_DB_PID" ] || { kill "$ZBX_DB_PID" 2>/dev/null; wait "$ZBX_DB_PID" 2>/dev/null; }
    stop >/dev/null 2>&1 || true; fi; exit $rc' EXIT

  t0=$(ms); write_configs; step_done configs "$t0"
  [ "$WITH_ZABBIX" != 1 ] || zabbix_db_begin
  # History ends one tick before the newest tick that live scraping can see.
  TO_MS=$(( $(ms) / 15000 * 15000 - 15000 ))
  t0=$(ms); start_sim; step_done "1 simulator" "$t0"
  t0=$(ms); export_history; step_done "2 history export+backfill" "$t0"
  t0=$(ms); start_node_exporter; step_done "3 node_exporter" "$t0"
  t0=$(ms); start_alertmanager; step_done "4 alertmanager" "$t0"
  t0=$(ms); start_prometheus; step_done "5 prometheus" "$t0"
  t0=$(ms); start_vm; step_done "6 victoria-metrics" "$t0"
  if [ "$WITH_ZABBIX" = 1 ]; then
    t0=$(ms); start_zabbix; step_done "7 zabbix (total)" "$t0"
  fi
  t0=$(ms); wait_data; step_done "first scrape + first alert" "$t0"
  write_env
  trap - EXIT
  step_done "start total" "$T0"
  log "timings:"; printf '  %s\n' "${TIMINGS[@]}"
  log "environment for the tests: $BACKENDS_DIR/env"
}

# Our ports must be free once our own leftovers are stopped.
ports_free() {
  local p busy=()
  for p in $P_SIM $P_NODE $P_AM $P_PROM $P_VM $P_PG $P_ZBX $P_WEB; do
    port_open "$p" && busy+=("$p")
  done
  [ ${#busy[@]} = 0 ] && return 0
  log "FAIL: ports already in use by other processes: ${busy[*]}" >&2
  command -v ss >/dev/null && ss -ltnp | grep -E ":($(IFS='|'; echo "${busy[*]}")) " >&2 || true
  return 1
}

# ---------------------------------------------------------------- stop
stop_group() { # stop_group NAME : SIGTERM the recorded process group, wait 15 s, SIGKILL
  local f=$RUN/$1.pid pid i t0
  [ -s "$f" ] || return 0
  pid=$(cat "$f"); t0=$(ms)
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$1 still alive after 15 s; SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    # Children (php -S workers) may outlive the leader: kill what is left of the group.
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "stopped $1 (pid $pid, $(( $(ms) - t0 )) ms)"
  fi
  rm -f "$f"
}

stop() {
  layout
  local n pid i
  for n in zabbix-web zabbix-server prometheus victoria-metrics alertmanager node-exporter opswall-sim; do
    stop_group "$n"
  done
  # zabbix_server's own pid file, should it have been started some other way.
  if [ -s "$RUN/zabbix_server.pid" ]; then
    pid=$(cat "$RUN/zabbix_server.pid")
    if alive "$pid" && ps -o comm= -p "$pid" | grep -q zabbix_server; then
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
      log "stopped zabbix_server (pid file, pid $pid)"
    fi
    rm -f "$RUN/zabbix_server.pid"
  fi
  if [ -n "${PGBIN:-}" ] && [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 -s stop \
      && log "stopped postgres" || log "postgres: pg_ctl stop failed"
  fi
  return 0
}

status() {
  layout >/dev/null 2>&1 || true
  local p name any=0
  for p in "$P_SIM:opswall-sim" "$P_NODE:node-exporter" "$P_AM:alertmanager" "$P_PROM:prometheus" \
           "$P_VM:victoria-metrics" "$P_PG:postgres" "$P_ZBX:zabbix-server" "$P_WEB:zabbix-web"; do
    name=${p#*:}; p=${p%%:*}
    if command -v ss >/dev/null; then
      ss -Hltn "sport = :$p" | grep -q . && { printf '%-18s %s listening\n' "$name" "$(ss -Hltn "sport = :$p" | awk '{print $4}' | sort -u | tr '\n' ' ')"; any=1; continue; }
    elif port_open "$p"; then
      printf '%-18s %s:%s listening\n' "$name" "$LOOP" "$p"; any=1; continue
    fi
    printf '%-18s %s down\n' "$name" "$p"
  done
  [ $any = 1 ] || log "nothing listens on our ports"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
