#!/bin/sh
# deps.sh PACKAGE… — installs the Debian packages that are missing when run
# as root; otherwise prints the command to run and fails.
missing=""
for p in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "installing:$missing"
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
	exit $?
fi
echo "quarry: missing packages; run: sudo apt-get install -y$missing" >&2
exit 1
