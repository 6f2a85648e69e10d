#!/usr/bin/env bash
# Back up a coachkit cohort database with pg_dump (custom format: compressed, restorable table by table).
# Usage (as a PostgreSQL superuser, e.g. sudo -u postgres): deploy/backup.sh [DATABASE] [FOLDER]
# Connection settings come from the usual PG* variables (PGHOST, PGPORT, PGUSER) or the local socket.
# The roles (cluster-wide) are saved beside it with pg_dumpall --roles-only (password verifiers included:
# keep the folder as private as the passwords file).
set -euo pipefail
db="${1:-coachkit}"
folder="${2:-.}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$folder"
pg_dump --format=custom --file="$folder/$db-$stamp.dump" "$db"
pg_dumpall --roles-only --file="$folder/roles-$stamp.sql"
echo "backup: $folder/$db-$stamp.dump and $folder/roles-$stamp.sql"
