#!/usr/bin/env bash
# Restore a coachkit cohort database from deploy/backup.sh's files (as a PostgreSQL superuser).
# Usage: deploy/restore.sh DUMP [ROLES.sql] [DATABASE]
# The roles are restored first (existing roles are reported and kept), then the database is re-created
# from the dump with its owner, grants and row-level security policies. The database must not exist yet:
# drop it (dropdb DATABASE) or restore under another name first and compare.
set -euo pipefail
dump="${1:?usage: restore.sh DUMP [ROLES.sql] [DATABASE]}"
roles="${2:-}"
db="${3:-coachkit}"
if [ -n "$roles" ]; then
  psql --quiet --set ON_ERROR_STOP=0 --file="$roles" postgres 2>&1 | grep -v "already exists" || true
fi
createdb --template=template0 --encoding=UTF8 --lc-collate=C --lc-ctype=C --owner=coachkit_owner "$db"
pg_restore --exit-on-error --dbname="$db" "$dump"
# Database-level rights are not in a dump: only the cohort's roles may connect, as coachkit-cohort set it.
psql --quiet --set ON_ERROR_STOP=1 --dbname="$db" \
  --command="REVOKE ALL ON DATABASE \"$db\" FROM PUBLIC; GRANT CONNECT ON DATABASE \"$db\" TO coachkit_participant"
echo "restore: $db restored from $dump"
