#!/usr/bin/env bash
# The first command: installs what is missing, builds, and starts cupid on the embedded SQLite
# default with the seed fixture on https://127.0.0.1:8443. The admin password is generated once
# and kept in cupid-data/admin-password (mode 0600); it is printed at every start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -s
DATA=${CUPID_DATA_DIR:-./cupid-data}
mkdir -p -m 0700 "$DATA"
PWFILE="$DATA/admin-password"
if [ ! -s "$PWFILE" ]; then
	(umask 077; head -c 15 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 > "$PWFILE")
fi
chmod 600 "$PWFILE"
echo "cupid: log in as admin with the password in $PWFILE: $(cat "$PWFILE")"
echo "cupid: try  curl -k -u admin:\$(cat $PWFILE) https://127.0.0.1:8443/vmrest/ports"
CUPID_ADMIN_PASSWORD="$(cat "$PWFILE")" exec ./cupid --data_dir="$DATA" --fixture=seed "$@"
