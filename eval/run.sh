#!/bin/sh
# run.sh BUILD — make eval: every scorer of eval/ (the *.sh files but this
# one), each printing lines "RESULT TASK METRIC SYSTEM VALUE", gathered
# into one table with quarry and the peers side by side.  The peers are
# npm packages installed into eval/node_modules on first use.
BUILD=${1:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 1
if [ ! -d eval/node_modules/compromise ] && command -v npm >/dev/null 2>&1; then
	(cd eval && npm install --no-audit --no-fund --silent >/dev/null 2>&1) ||
		echo "eval: npm install failed; the peers' columns stay empty" >&2
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for s in eval/*.sh; do
	[ "$s" = eval/run.sh ] && continue
	"$s" | grep '^RESULT ' >>"$tmp"
done
awk '
	{ key = $2 " " $3; sys = $4; val = $5;
	  if (!(key in seen)) { seen[key] = 1; rows[++nrows] = key }
	  if (!(sys in sysseen)) { sysseen[sys] = 1; systems[++nsys] = sys }
	  cell[key, sys] = val }
	END {
		printf "%-32s", "task / metric"
		for (j = 1; j <= nsys; j++) printf " %17s", systems[j]
		printf "\n"
		for (i = 1; i <= nrows; i++) {
			printf "%-32s", rows[i]
			for (j = 1; j <= nsys; j++) {
				v = ((rows[i], systems[j]) in cell) ? cell[rows[i], systems[j]] : "-"
				printf " %17s", v
			}
			printf "\n"
		}
	}' "$tmp"
