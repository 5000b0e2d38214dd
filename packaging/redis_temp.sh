#!/usr/bin/env bash
# Source this file, then: redis_temp_start  (sets ORDERS_TEST_REDIS_HOST and
# ORDERS_TEST_REDIS_PORT) ... redis_temp_stop. A throw-away redis-server on
# 127.0.0.1 and a free port, no persistence, its pid file and log in a temp
# dir, shut down and removed by redis_temp_stop.

redis_temp_free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then echo "$p"; return 0; fi
  done
  return 1
}

redis_temp_start() {
  REDIS_TEMP_DIR=$(mktemp -d /tmp/orders-redis-XXXXXX)
  REDIS_TEMP_PORT=$(redis_temp_free_port) || { echo "redis_temp: no free port" >&2; redis_temp_stop; return 1; }
  redis-server --port "$REDIS_TEMP_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$REDIS_TEMP_DIR" --pidfile "$REDIS_TEMP_DIR/redis.pid" --logfile "$REDIS_TEMP_DIR/redis.log" ||
    { cat "$REDIS_TEMP_DIR/redis.log" >&2 2>/dev/null; redis_temp_stop; return 1; }
  for _ in $(seq 1 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_TEMP_PORT" ping 2>/dev/null)" = "PONG" ]; then
      export ORDERS_TEST_REDIS_HOST=127.0.0.1
      export ORDERS_TEST_REDIS_PORT="$REDIS_TEMP_PORT"
      echo "redis_temp: Redis on 127.0.0.1:$REDIS_TEMP_PORT ($REDIS_TEMP_DIR)" >&2
      return 0
    fi
    sleep 0.1
  done
  echo "redis_temp: redis-server did not answer PING on port $REDIS_TEMP_PORT within 10 s" >&2
  cat "$REDIS_TEMP_DIR/redis.log" >&2 2>/dev/null
  redis_temp_stop
  return 1
}

redis_temp_stop() {
  [ -n "${REDIS_TEMP_DIR:-}" ] || return 0
  if [ -n "${REDIS_TEMP_PORT:-}" ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_TEMP_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  # Whatever answered (or not), the server started here must not outlive us.
  if [ -f "$REDIS_TEMP_DIR/redis.pid" ]; then
    local pid
    pid=$(cat "$REDIS_TEMP_DIR/redis.pid" 2>/dev/null)
    if [ -n "$pid" ]; then
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  fi
  rm -rf "$REDIS_TEMP_DIR"
  REDIS_TEMP_DIR=
  REDIS_TEMP_PORT=
  unset ORDERS_TEST_REDIS_HOST ORDERS_TEST_REDIS_PORT
}
