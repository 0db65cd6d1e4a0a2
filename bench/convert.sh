#!/bin/sh
# convert.sh BUILD — format conversion against the peers on a ~40 MB JSON
# array of nested records (bench/gen_records.py) and its CSV: time, MB/s
# of input, peak RSS, and quarry's ratio to each peer, in one table.
#   BENCH_MB=40       size of the generated input
#   BENCH_DATA=DIR    keep the generated inputs in DIR and reuse them
#   BENCH_ONLY=csv    only the two CSV rows
set -eu
BUILD=${1:-build}
Q=$BUILD/quarry
MB=${BENCH_MB:-40}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=${BENCH_DATA:-$work}
mkdir -p "$data"
# Inputs are made once per size (and kept when BENCH_DATA is set).
if [ ! -s "$data/in-$MB.json" ]; then
	/usr/bin/python3 bench/gen_records.py "$MB" "$data/in-$MB.json.tmp"
	mv "$data/in-$MB.json.tmp" "$data/in-$MB.json"
fi
if [ ! -s "$data/in-$MB.csv" ]; then
	mlr --ijson --ocsv cat "$data/in-$MB.json" >"$data/in-$MB.csv.tmp"
	mv "$data/in-$MB.csv.tmp" "$data/in-$MB.csv"
fi
if [ ! -s "$data/in-$MB.xml" ] && [ "${BENCH_ONLY:-}" != csv ]; then
	"$Q" convert --to xml "$data/in-$MB.json" -o "$data/in-$MB.xml"
fi
ln -s "$data/in-$MB.json" "$work/in.json"
ln -s "$data/in-$MB.csv" "$work/in.csv"
[ -s "$data/in-$MB.xml" ] && ln -s "$data/in-$MB.xml" "$work/in.xml"

# once NAME COMMAND… : wall time and peak RSS of one run ("nan 0" when it
# fails).
once() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out" 2>"$work/err" || {
		echo "$name: failed: $(head -c 200 "$work/err")" >&2
		echo "nan 0"
		return
	}
	cat "$work/t"
}

# row LABEL INPUT "QUARRY CMD" PEER "PEER CMD": three rounds, quarry then
# the peer in each, so that both meet the same load of a shared machine;
# the best wall time of each and the highest peak RSS.
row() {
	label=$1 input=$2 qcmd=$3 peer=$4 pcmd=$5
	size=$(wc -c <"$input")
	qt="" pt="" qm=0 pm=0
	for _ in 1 2 3; do
		set -- $(once quarry sh -c "$qcmd")
		if [ -z "$qt" ] || awk "BEGIN { exit !($1 < $qt) }"; then qt=$1; fi
		[ "$2" -gt "$qm" ] && qm=$2
		set -- $(once "$peer" sh -c "$pcmd")
		if [ -z "$pt" ] || awk "BEGIN { exit !($1 < $pt) }"; then pt=$1; fi
		[ "$2" -gt "$pm" ] && pm=$2
	done
	awk -v l="$label" -v p="$peer" -v s="$size" -v qt="$qt" -v qm="$qm" -v pt="$pt" -v pm="$pm" 'BEGIN {
		printf "%-12s %7.1f MB/s %6.0f MB | %-5s %7.1f MB/s %6.0f MB | %5.1fx faster, %4.2f of the memory\n",
			l, s / 1e6 / qt, qm / 1024, p, s / 1e6 / pt, pm / 1024, pt / qt, qm / pm }'
}

xml_bytes=$([ -e "$work/in.xml" ] && wc -c <"$work/in.xml" || echo 0)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "input: $(wc -c <"$work/in.json") bytes of JSON, $(wc -c <"$work/in.csv") of CSV, $xml_bytes of XML"
echo "conversion   quarry              peak  | peer                     peak  | ratio"
row "JSON->CSV" "$work/in.json" "$Q convert --to csv $work/in.json" mlr "mlr --ijson --ocsv cat $work/in.json"
row "CSV->JSON" "$work/in.csv" "$Q convert --from csv --to json $work/in.csv" mlr "mlr --icsv --ojson cat $work/in.csv"
[ "${BENCH_ONLY:-}" = csv ] && exit 0
row "JSON->JSON" "$work/in.json" "$Q convert --to json $work/in.json" jq "jq . $work/in.json"
row "JSON->YAML" "$work/in.json" "$Q convert --to yaml $work/in.json" yq "yq -y . $work/in.json"
row "XML->JSON" "$work/in.xml" "$Q convert --to json $work/in.xml" xq "xq-python . $work/in.xml"
