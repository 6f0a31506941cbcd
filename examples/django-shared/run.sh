#!/usr/bin/env bash
# Runs the example: migrates Django's database, creates the user alice (password "wonderland"), then
# serves the Django site on :8000 and the Node site on :3000. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHON

"$PYTHON" manage.py migrate --verbosity 0
"$PYTHON" manage.py shell -c "
from django.contrib.auth.models import User
if not User.objects.filter(username='alice').exists():
    User.objects.create_user('alice', password='wonderland')"

"$PYTHON" manage.py runserver 127.0.0.1:8000 --noreload &
django_pid=$!
trap 'kill "$django_pid" 2>/dev/null || true' EXIT
npx tsx server.ts
