#!/usr/bin/env bash
# Serve the portal: gunicorn on 127.0.0.1:$PORT plus the background worker, until Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
BIND=${BIND:-127.0.0.1:$PORT}

.venv/bin/python manage.py db_worker --no-startup-delay --verbosity 1 &
worker=$!
# Deadline reminders and re-queueing of lost e-mail tasks, once a minute (cron in production).
.venv/bin/python manage.py send_due_notifications --every 60 &
sweeper=$!
# The access log keeps no query strings (search words) or calendar tokens (portal/logs.py).
.venv/bin/gunicorn portal.wsgi --bind "$BIND" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --logger-class portal.logs.GunicornLogger --graceful-timeout 10 &
web=$!
echo "$web $worker $sweeper" > var/serve.pid

shutdown() {
  trap - INT TERM EXIT
  echo "Stopping the portal …"
  kill -TERM "$web" "$worker" "$sweeper" 2>/dev/null
  wait "$web" "$worker" "$sweeper" 2>/dev/null
  rm -f var/serve.pid
  if [ -z "${DATABASE_URL:-}" ]; then
    python3 scripts/devdb.py stop
  fi
  exit 0
}
trap shutdown INT TERM EXIT

echo "Sikkerhedsportalen: http://$BIND/  (Ctrl-C stops it)"
# Either process ending takes the other one down with it.
wait -n "$web" "$worker" "$sweeper"
