#!/usr/bin/env bash
# Idle-cluster latency, as a new user sees it: one jar with its default settings (all roles,
# `java -jar`, nothing tuned) on a fresh redis-server; N sequential noop tasks of S steps with
# step_ms 0, each submitted only once the previous one has completed.
#   bench/latency.sh [--jar target/sentinel.jar] [--tasks 1000] [--steps 3] [--warmup 200] [--poll-ms 0.5]
# Only the public HTTP API is used (POST /tasks, GET /tasks/{id}, GET /tasks/{id}/steps), so the
# same script measures any build of the jar. Times are the server's (Redis clock, ms) fields:
# created_at, completed_at and each step's committed_at. The jar is not built here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/fresh-redis.sh
source "$here/lib/fresh-redis.sh"
jar="$here/../target/sentinel.jar" tasks=1000 steps=3 warmup=200 poll_ms=0.5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --poll-ms) poll_ms="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (known: --jar FILE --tasks N --steps S --warmup W --poll-ms MS)" >&2; exit 2 ;;
  esac
done
for tool in java python3 redis-server redis-cli curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH" >&2; exit 1; }
done
[[ -f "$jar" ]] || { echo "no jar at $jar (build it: mvn -B -q -DskipTests package)" >&2; exit 1; }
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"

tmp="$(mktemp -d -t sentinel-latency-XXXXXX)"
redis_pid="" java_pid=""
stop() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid="$1" i
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  stop "$java_pid" 20   # workers drain for up to worker.drain_ms (10 s by default)
  stop "$redis_pid" 10
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "[bench] interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- Redis: same settings as the other instruments
redis_port="$(free_port)"
start_fresh_redis "$tmp/redis" "$redis_port"

# --- the jar, default settings: only the Redis URL and the HTTP port are set. Any SENTINEL_*
# variable of the caller's shell is dropped, and it runs in an empty directory (no ./data).
http_port="$(free_port)"
while [[ "$http_port" == "$redis_port" ]]; do http_port="$(free_port)"; done
unset_env=()
for v in $(compgen -e | grep '^SENTINEL_' || true); do
  echo "[bench] ignoring $v from the environment (default settings)" >&2
  unset_env+=(-u "$v")
done
mkdir "$tmp/run"
log="$tmp/sentinel.log"
(cd "$tmp/run" && exec env ${unset_env[@]+"${unset_env[@]}"} SENTINEL_REDIS_URL="redis://127.0.0.1:$redis_port" SENTINEL_HTTP_PORT="$http_port" \
  java -jar "$jar") >"$log" 2>&1 &
java_pid=$!
started=""
for _ in $(seq 1 600); do   # up to 60 s
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health" 2>/dev/null)" == "200" ]]; then
    started=1; break
  fi
  kill -0 "$java_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$started" ]]; then
  echo "[bench] the jar did not answer GET /health with 200 on port $http_port; its log (tail):" >&2
  tail -n 40 "$log" >&2
  exit 1
fi

rev="$(git -C "$(dirname "$jar")" rev-parse --short HEAD 2>/dev/null || true)"
if [[ -n "$rev" && -n "$(git -C "$(dirname "$jar")" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then
  rev="$rev (working tree has uncommitted changes)"
fi
echo "[bench] jar $jar, built $(date -r "$jar" '+%Y-%m-%d %H:%M:%S'), git ${rev:-n/a}"
echo "[bench] $(java -version 2>&1 | head -n 1); redis-server $(redis-server --version | grep -o 'v=[^ ]*') on port $redis_port (AOF everysec); API on port $http_port; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "[bench] $warmup warm-up + $tasks measured sequential noop tasks x $steps steps, step_ms 0; polling every $poll_ms ms"

# --- the client
python3 - "$http_port" "$tasks" "$steps" "$warmup" "$poll_ms" <<'PY'
import http.client, json, math, signal, sys, time
from datetime import datetime

signal.signal(signal.SIGINT, lambda *_: sys.exit(130))   # Ctrl+C: no traceback; the shell cleans up
port, n, steps, warmup, poll_ms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
body = json.dumps({"tenant_id": "bench", "agent_type": "noop", "task_type": "latency",
                   "task_params": {"steps": steps, "step_ms": 0}})

def call(method, path, payload=None):
    global conn
    for attempt in (1, 2):
        try:
            if payload is None:
                conn.request(method, path)
            else:
                conn.request(method, path, payload, {"content-type": "application/json"})
            r = conn.getresponse()
            return r.status, r.read()
        except (http.client.HTTPException, ConnectionError):
            if attempt == 2:
                raise
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

def ms(iso):
    # Instant.toString(): "2025-01-01T00:00:00.123Z", or no fraction when it is .000
    return round(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)

def run_one():
    status, raw = call("POST", "/tasks", body)
    if status != 201:
        sys.exit(f"POST /tasks answered {status}: {raw[:500]!r}")
    tid = json.loads(raw)["task_id"]
    t0 = time.perf_counter()
    deadline = t0 + 60
    while True:
        status, raw = call("GET", f"/tasks/{tid}")
        if status != 200:
            sys.exit(f"GET /tasks/{tid} answered {status}: {raw[:500]!r}")
        task = json.loads(raw)
        if task["status"] == "completed":
            break
        if task["status"] in ("failed", "cancelled"):
            sys.exit(f"task {tid} ended {task['status']}: {task.get('error')}")
        if time.perf_counter() > deadline:
            sys.exit(f"task {tid} not completed after 60 s (status {task['status']})")
        if poll_ms > 0:
            time.sleep(poll_ms / 1000)
    seen = (time.perf_counter() - t0) * 1000
    status, raw = call("GET", f"/tasks/{tid}/steps")
    if status != 200:
        sys.exit(f"GET /tasks/{tid}/steps answered {status}: {raw[:500]!r}")
    return tid, task, json.loads(raw)["steps"], seen

for _ in range(warmup):
    run_one()

total, first, gaps, client, odd = [], [], [], [], 0
t_start = time.perf_counter()
for _ in range(n):
    tid, task, recs, seen = run_one()
    created, completed = ms(task["created_at"]), ms(task["completed_at"])
    by_step = {}
    for r in recs:   # a step committed twice (a retried attempt) keeps its last record
        by_step[r["step"]] = ms(r["committed_at"])
    if sorted(by_step) != list(range(1, steps + 1)) or len(recs) != steps:
        odd += 1
        print(f"[bench] task {tid}: {len(recs)} step records, steps {sorted(by_step)}",
              file=sys.stderr)
    total.append(completed - created)
    client.append(seen)
    if 1 in by_step:
        first.append(by_step[1] - created)
    for k in range(2, steps + 1):
        if k in by_step and k - 1 in by_step:
            gaps.append(by_step[k] - by_step[k - 1])
wall = time.perf_counter() - t_start

def pct(xs, p):   # nearest rank
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]

def stats(xs):
    if not xs:
        return None
    return {"p50": pct(xs, 50), "p90": pct(xs, 90), "p99": pct(xs, 99), "max": max(xs), "mean": sum(xs) / len(xs)}

def fmt(v):
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"

rows = [("created_at → completed_at", total),
        ("created_at → step 1 committed_at", first),
        (f"step k-1 → step k committed_at (k = 2..{steps})", gaps),
        ("client: POST answered → poll saw completed (client clock)", client)]
print()
print("| ms | n | p50 | p90 | p99 | max | mean |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, xs in rows:
    s = stats(xs)
    if s is None:
        print(f"| {name} | 0 | | | | | |")
    else:
        print(f"| {name} | {len(xs)} | " + " | ".join(fmt(s[k]) for k in ("p50", "p90", "p99", "max", "mean")) + " |")
print()
print(f"[bench] {n} tasks in {wall:.1f} s ({n / wall:.1f} tasks/s sequential); server times have 1 ms resolution"
      + (f"; {odd} task(s) with unexpected step records (retried?)" if odd else ""))
t, f, g = stats(total), stats(first), stats(gaps)
nan = {"p50": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": float("nan"), "mean": float("nan")}
f, g = f or nan, g or nan
print(f"RESULT task_p50_ms={fmt(t['p50'])} task_p90_ms={fmt(t['p90'])} task_p99_ms={fmt(t['p99'])} task_max_ms={fmt(t['max'])} "
      f"first_step_p50_ms={fmt(f['p50'])} first_step_p99_ms={fmt(f['p99'])} "
      f"step_gap_p50_ms={fmt(g['p50'])} step_gap_p99_ms={fmt(g['p99'])} "
      f"task_mean_ms={t['mean']:.2f} first_step_mean_ms={f['mean']:.2f} step_gap_mean_ms={g['mean']:.2f} tasks={n} steps={steps}")
PY
