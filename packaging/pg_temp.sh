#!/usr/bin/env bash
# Source this file, then: pg_temp_start  (sets ORDERS_TEST_PG_URL and
# ORDERS_TEST_PG_DSN) ... pg_temp_stop. A throw-away PostgreSQL 15 cluster
# on a free port in a temp dir, run as the postgres user (initdb refuses
# root), socket inside the data dir, removed by pg_temp_stop.
# PG_TEMP_EXTRA_CONF: more postgresql.conf lines (bench/run sets shared_buffers).

pg_temp_free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then echo "$p"; return 0; fi
  done
  return 1
}

pg_temp_start() {
  local bin=/usr/lib/postgresql/15/bin
  PG_TEMP_DIR=$(mktemp -d /tmp/orders-pg-XXXXXX)
  chown postgres:postgres "$PG_TEMP_DIR"
  chmod 700 "$PG_TEMP_DIR"
  PG_TEMP_PORT=$(pg_temp_free_port)
  local as_pg=()
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  "${as_pg[@]}" "$bin/initdb" -D "$PG_TEMP_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$PG_TEMP_DIR/initdb.log" 2>&1 || { cat "$PG_TEMP_DIR/initdb.log" >&2; return 1; }
  # Settings in the cluster's own file, so a plain `pg_ctl start` (the fault
  # tests stop and start the server) comes back the same.
  cat >>"$PG_TEMP_DIR/data/postgresql.conf" <<CONF
port = $PG_TEMP_PORT
unix_socket_directories = '$PG_TEMP_DIR/data'
listen_addresses = '127.0.0.1'
max_connections = 300
fsync = off
synchronous_commit = off
timezone = 'UTC'
${PG_TEMP_EXTRA_CONF:-}
CONF
  "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/data/server.log" -w \
    start >/dev/null || { cat "$PG_TEMP_DIR/data/server.log" >&2; return 1; }
  "${as_pg[@]}" psql -h "$PG_TEMP_DIR/data" -p "$PG_TEMP_PORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE orders LOGIN PASSWORD 'orders'" -c "CREATE DATABASE orders OWNER orders" \
    -c "ALTER ROLE orders SET timezone TO 'UTC'" -c "ALTER ROLE orders CREATEDB" >/dev/null
  export ORDERS_TEST_PG_URL="postgresql://orders:orders@127.0.0.1:$PG_TEMP_PORT/orders"
  export ORDERS_TEST_PG_DSN="host=127.0.0.1 port=$PG_TEMP_PORT user=orders password=orders dbname=orders"
  export ORDERS_TEST_PG_ADMIN="psql -h $PG_TEMP_DIR/data -p $PG_TEMP_PORT -U postgres"
  # pg_ctl on this cluster, for tests that stop, start or restart the server.
  export ORDERS_TEST_PG_CTL="${as_pg[*]} $bin/pg_ctl -D $PG_TEMP_DIR/data -l $PG_TEMP_DIR/data/server.log -w"
  echo "pg_temp: PostgreSQL on 127.0.0.1:$PG_TEMP_PORT ($PG_TEMP_DIR)" >&2
}

pg_temp_stop() {
  [ -n "${PG_TEMP_DIR:-}" ] || return 0
  local as_pg=()
  [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
  "${as_pg[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_TEMP_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEMP_DIR"
  PG_TEMP_DIR=
}
