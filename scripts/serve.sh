#!/usr/bin/env bash
# Serve the portal: gunicorn on 127.0.0.1:$PORT plus the background worker, until Ctrl-C.
# Each is supervised: one that exits is started again after a short pause (1, 2, 4 … 30 s;
# back to 1 s once it has run for a minute), so a crash or a database restart never leaves the
# portal without a web server or a worker.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
BIND=${BIND:-127.0.0.1:$PORT}

supervise() {
  local name=$1 child="" pause=1 started status
  shift
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
  while :; do
    started=$SECONDS
    "$@" &
    child=$!
    wait "$child"
    status=$?
    child=""
    if (( SECONDS - started >= 60 )); then pause=1; fi
    echo "serve.sh: the $name stopped (exit status $status); starting it again in ${pause}s" >&2
    sleep "$pause" &
    wait $!
    pause=$(( pause * 2 > 30 ? 30 : pause * 2 ))
  done
}

# The access log keeps no query strings (search words) or calendar tokens (portal/logs.py).
supervise "web server" .venv/bin/gunicorn portal.wsgi --bind "$BIND" \
  --workers "${WEB_CONCURRENCY:-2}" --access-logfile - \
  --logger-class portal.logs.GunicornLogger --graceful-timeout 10 &
web=$!
# E-mails and deadline reminders; it waits out database restarts itself.
supervise worker .venv/bin/python manage.py run_worker &
worker=$!
PIDFILE=${PIDFILE:-var/serve.pid}
echo "$$" > "$PIDFILE"

shutdown() {
  trap - INT TERM EXIT
  echo "Stopping the portal …"
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
  rm -f "$PIDFILE"
  if [ -z "${DATABASE_URL:-}" ]; then
    python3 scripts/devdb.py stop
  fi
  exit 0
}
trap shutdown INT TERM EXIT

echo "Sikkerhedsportalen: http://$BIND/  (Ctrl-C stops it)"
# The supervisors end only when told to; should one end anyway, stop everything.
wait "$web" "$worker"
