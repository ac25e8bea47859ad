# Sourced by the bench scripts (not run): a fresh redis-server as every benchmark wants it, the
# same settings as the Java instruments' FreshRedis (AOF on, appendfsync everysec, noeviction,
# loopback, its own directory). Needs redis-server and redis-cli on PATH.
#   start_fresh_redis DIR PORT   starts it in the background, sets redis_pid, returns once it
#                                answers PING (exits 1 with its log when it does not)
# The caller's cleanup kills "$redis_pid".
start_fresh_redis() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes --appendfsync everysec \
    --maxmemory-policy noeviction --protected-mode yes --daemonize no >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 150); do
    [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == "PONG" ]] && return 0
    kill -0 "$redis_pid" 2>/dev/null || { cat "$dir/redis.log" >&2; echo "redis-server exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "redis-server did not answer on port $port" >&2
  exit 1
}
