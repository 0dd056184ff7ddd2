#!/usr/bin/env bash
# bench/run.sh — sigrun's benchmark harness. Run by hand; no test calls it.
#
# Starts the loopback target server (bench/target, which checks every
# request's SigV4 signature with sigrun's verifier), generates equivalent
# collections (bench/gen) and times, on the same workloads:
#
#   sigrun      `sigrun run` (whole process), built from this checkout
#   floor       bench/floor: net/http + the aws-sdk-go-v2 signer, same parallelism
#   curl        one process, all URLs, --aws-sigv4 --user, -Z --parallel-max P
#   newman      Postman collection with awsv4 auth       (sequential only)
#   httpyac     .http file with `Authorization: AWS ...` (--parallel P)
#   bruno       @usebruno/cli, .bru files with awsv4 auth (sequential only)
#
# and prints Markdown tables: median wall time of RUNS runs, requests per
# second, peak RSS (GNU time %M, the largest over the runs), each tool's ratio
# to sigrun, and whether every request reached the server with a valid
# signature (a tool whose signatures fail is reported as failing, not timed as
# if it had worked). Then a check of the issue's targets.
#
# The peers are installed from the npm registry, pinned below, into
# ${SIGRUN_CACHE:-$HOME/.cache/sigrun}/node (checked first: an installed
# package of the pinned version is used as it is).
#
# Usage:  bench/run.sh [--quick] [--no-peers] [--no-big] [--profile] [--append]
#   --quick     RUNS=3, FAST_RUNS=3, N=200, CHAIN_N=100, SCALE="250 500 1000",
#               VALIDATE_N=1000, no 1 GiB workloads: a smoke test of the
#               harness, not a measurement
#   --no-peers  sigrun, floor and curl only
#   --no-big    skip the 1 GiB upload and download
#   --profile   also `perf record` one `sigrun run` of the largest SCALE size
#               (count and blocks forms) and show where its CPU time goes
#   --append    keep the rows of an earlier run in the same work folder (to
#               finish an interrupted run with SECTIONS=...): the report
#               covers both
#
# Environment (defaults in brackets): RUNS [5] (runs of each npm peer),
# FAST_RUNS [11] (runs of sigrun, the floor and curl), N [2000], P [8],
# CHAIN_N [500] (chain and fan-out size), SCALE ["500 1000 2000 4000 8000"],
# VALIDATE_N [10000], BIG_MB [1024], BIG_RUNS [3], TIMEOUT [900] (seconds per
# command), SECTIONS ["independent one deps growth validate big"] (the
# groups to run; deps is the chain and the fan-out), NODE_PEERS
# ["newman httpyac bruno"] (which of the npm peers to run),
# SIGRUN_BENCH_DIR [${TMPDIR:-/tmp}/sigrun-bench] (work folder: binaries,
# collections, logs, results.md), SIGRUN_CACHE.
#
# Networking: 127.0.0.1 only, plus the npm registry for the first install.
set -euo pipefail

NEWMAN_VERSION=6.2.2
HTTPYAC_VERSION=6.16.7
BRUNO_VERSION=4.1.0

RUNS="${RUNS:-5}"
FAST_RUNS="${FAST_RUNS:-11}"
N="${N:-2000}"
P="${P:-8}"
CHAIN_N="${CHAIN_N:-500}"
SCALE="${SCALE:-500 1000 2000 4000 8000}"
VALIDATE_N="${VALIDATE_N:-10000}"
BIG_MB="${BIG_MB:-1024}"
BIG_RUNS="${BIG_RUNS:-3}"
TIMEOUT="${TIMEOUT:-900}"
SECTIONS="${SECTIONS:-independent one deps growth validate big}"
NODE_PEERS="${NODE_PEERS:-newman httpyac bruno}"
PEERS=1
BIG=1
PROFILE=0
APPEND=0

for arg in "$@"; do
	case "$arg" in
	--quick)
		RUNS=3 FAST_RUNS=3 N=200 CHAIN_N=100 SCALE="250 500 1000" VALIDATE_N=1000 BIG=0
		;;
	--no-peers) PEERS=0 ;;
	--no-big) BIG=0 ;;
	--profile) PROFILE=1 ;;
	--append) APPEND=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run.sh: unknown argument $arg (try --help)" >&2
		exit 2
		;;
	esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SIGRUN_CACHE:-$HOME/.cache/sigrun}"
NODE_DIR="$CACHE/node"
NODE_BIN="$NODE_DIR/node_modules/.bin"
WORK="${SIGRUN_BENCH_DIR:-${TMPDIR:-/tmp}/sigrun-bench}"
BIN="$WORK/bin"
COLL="$WORK/collections"
LOGS="$WORK/logs"
ROWS="$WORK/rows.tsv"
RESULTS="$WORK/results.md"

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

TARGET_PID=""
cleanup() {
	if [ -n "$TARGET_PID" ]; then
		kill "$TARGET_PID" 2>/dev/null || true
		wait "$TARGET_PID" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# --- tools --------------------------------------------------------------------

if [ ! -x /usr/bin/time ]; then
	say "/usr/bin/time (GNU time) is missing: installing the 'time' package"
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y time >&2 || die "apt-get install -y time failed"
	else
		sudo apt-get install -y time >&2 || die "apt-get install -y time failed"
	fi
fi
/usr/bin/time -f %M true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time (-f %M)"
command -v go >/dev/null || die "go is not on PATH"
command -v curl >/dev/null || die "curl is not on PATH: the harness reads the target's counters with it"

HAVE_CURL=0
if command -v curl >/dev/null && curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' &&
	curl --help all 2>/dev/null | grep -q -- '--parallel-max'; then
	HAVE_CURL=1
else
	say "curl with --aws-sigv4 and -Z/--parallel is not available: skipping curl"
fi

rm -rf "$COLL" "$LOGS"
mkdir -p "$BIN" "$COLL" "$LOGS"
[ "$APPEND" = 1 ] || : >"$ROWS"

say "building sigrun and the harness into $BIN"
# sigrun is built as the README installs it, static (CGO_ENABLED=0); the
# floor, the other Go program, is built the same way.
(cd "$REPO" && CGO_ENABLED=0 go build -o "$BIN/sigrun" . && go build -o "$BIN/target" ./bench/target &&
	CGO_ENABLED=0 go build -o "$BIN/floor" ./bench/floor && go build -o "$BIN/gen" ./bench/gen) || die "go build failed"
SIGRUN_REV="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$REPO" && git status --porcelain 2>/dev/null | awk 'NR == 1')" ]; then
	SIGRUN_REV="$SIGRUN_REV+uncommitted changes"
fi

# npm_ensure NAME VERSION: the pinned package in $NODE_DIR, installed if absent.
npm_installed_version() {
	node -p "require('$NODE_DIR/node_modules/$1/package.json').version" 2>/dev/null || true
}
npm_ensure() {
	local name=$1 version=$2
	if [ "$(npm_installed_version "$name")" = "$version" ]; then
		say "$name $version is already installed in $NODE_DIR"
		return 0
	fi
	command -v npm >/dev/null || {
		say "npm is not on PATH: skipping $name"
		return 1
	}
	say "installing $name@$version into $NODE_DIR (npm registry)"
	mkdir -p "$NODE_DIR"
	if [ ! -f "$NODE_DIR/package.json" ]; then
		printf '{\n  "name": "sigrun-test-tools",\n  "private": true\n}\n' >"$NODE_DIR/package.json"
	fi
	if ! npm install --prefix "$NODE_DIR" --no-audit --no-fund --save-exact --loglevel=error "$name@$version" >&2; then
		say "npm install $name@$version failed: skipping it"
		return 1
	fi
	[ "$(npm_installed_version "$name")" = "$version" ]
}

HAVE_NEWMAN=0 HAVE_HTTPYAC=0 HAVE_BRUNO=0
if [ "$PEERS" = 1 ]; then
	if command -v node >/dev/null; then
		case " $NODE_PEERS " in *" newman "*) npm_ensure newman "$NEWMAN_VERSION" && HAVE_NEWMAN=1 ;; esac
		case " $NODE_PEERS " in *" httpyac "*) npm_ensure httpyac "$HTTPYAC_VERSION" && HAVE_HTTPYAC=1 ;; esac
		case " $NODE_PEERS " in *" bruno "*) npm_ensure @usebruno/cli "$BRUNO_VERSION" && HAVE_BRUNO=1 ;; esac
	else
		say "node is not on PATH: skipping newman, httpyac and bruno"
	fi
fi

# --- the target ---------------------------------------------------------------

rm -f "$WORK/target.addr"
"$BIN/target" -addr 127.0.0.1:0 -addr-file "$WORK/target.addr" 2>"$LOGS/target.log" &
TARGET_PID=$!
for _ in $(seq 100); do
	[ -s "$WORK/target.addr" ] && break
	sleep 0.05
done
[ -s "$WORK/target.addr" ] || die "the target server did not start (see $LOGS/target.log)"
URL="http://$(cat "$WORK/target.addr")"
say "target listening on $URL"

stats() { curl -s --max-time 5 "$URL/__stats"; }
reset_stats() { curl -s --max-time 5 -X POST "$URL/__reset" >/dev/null; }
json_int() { grep -o "\"$1\":[0-9]*" | awk 'NR == 1' | cut -d: -f2; }

# --- measuring ----------------------------------------------------------------

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%d\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure GROUP TOOL PAR NREQ RUNS DIR CMD...: queues RUNS runs of CMD (in
# DIR). flush runs the queue round-robin — run 1 of every queued tool, then
# run 2, ... — so that a burst of load from elsewhere on the machine falls on
# all the tools of a group alike, then appends one row per tool to $ROWS. A
# run is good when CMD exits 0 and the server saw NREQ requests, all with
# valid signatures.
Q_GROUP=() Q_TOOL=() Q_PAR=() Q_NREQ=() Q_RUNS=() Q_DIR=() Q_CMD=()
Q_WALLS=() Q_CPUS=() Q_RSS=() Q_BAD=() Q_NOTE=() Q_LOAD=()
measure() {
	local i=${#Q_GROUP[@]}
	Q_GROUP[i]=$1 Q_TOOL[i]=$2 Q_PAR[i]=$3 Q_NREQ[i]=$4 Q_RUNS[i]=$5 Q_DIR[i]=$6
	shift 6
	Q_CMD[i]="$(printf '%q ' "$@")"
	Q_WALLS[i]="" Q_CPUS[i]="" Q_RSS[i]=0 Q_BAD[i]=0 Q_NOTE[i]="" Q_LOAD[i]=""
}

# one_run I R: run R of queued measurement I.
one_run() {
	local i=$1 r=$2 nreq=${Q_NREQ[$1]}
	local slug out tf t0 t1 rc=0
	slug="$(printf '%s-%s-%s' "${Q_GROUP[i]}" "${Q_TOOL[i]}" "${Q_PAR[i]}" | tr -c 'A-Za-z0-9._-' '_')"
	out="$LOGS/$slug.$r.out" tf="$LOGS/$slug.$r.time"
	[ -n "${Q_LOAD[i]}" ] || Q_LOAD[i]="$(cut -d' ' -f1 /proc/loadavg)"
	reset_stats
	eval "set -- ${Q_CMD[i]}"
	t0=$(date +%s%N)
	(cd "${Q_DIR[i]}" && /usr/bin/time -f '%M %U %S' -o "$tf" timeout "$TIMEOUT" "$@") >"$out" 2>&1 || rc=$?
	t1=$(date +%s%N)
	local s seen fail rss cpu tline
	s="$(stats)"
	seen="$(printf '%s' "$s" | json_int requests)"
	fail="$(printf '%s' "$s" | json_int signature_fail)"
	tline="$(grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' "$tf" | tail -1 || true)"
	rss="$(echo "${tline:-0 0 0}" | cut -d' ' -f1)"
	cpu="$(echo "${tline:-0 0 0}" | awk '{ printf "%d", ($2 + $3) * 1e6 }')"
	Q_WALLS[i]+="$(((t1 - t0) / 1000)) "
	Q_CPUS[i]+="$cpu "
	((rss > Q_RSS[i])) && Q_RSS[i]=$rss
	if [ "$rc" != 0 ] || [ "${seen:-0}" != "$nreq" ] || [ "${fail:-0}" != 0 ]; then
		Q_BAD[i]=$((Q_BAD[i] + 1))
		if [ -z "${Q_NOTE[i]}" ]; then
			local note="exit $rc" why
			[ "$rc" = 124 ] && note="timed out after ${TIMEOUT}s"
			[ "${seen:-0}" != "$nreq" ] && note="$note; server saw ${seen:-0} of $nreq"
			[ "${fail:-0}" != 0 ] && note="$note; $fail bad signatures"
			why="$(grep -m1 -iE 'larger than|limit of|exceed|refused|timed out|does not match|signature|status code' "$out" || grep -m1 -iE 'fail|error' "$out" || true)"
			why="$(printf '%s' "$why" | tr -s ' \t|' ' ' | cut -c1-160)"
			[ -n "$why" ] && note="$note: ${why//|//}"
			Q_NOTE[i]="$note"
			if [ "${fail:-0}" != 0 ]; then
				printf '%s\n' "$s" >"$LOGS/$slug.$r.sigerrors.json"
			fi
		fi
	fi
}

flush() {
	local n=${#Q_GROUP[@]} maxruns=0 i r
	for ((i = 0; i < n; i++)); do ((Q_RUNS[i] > maxruns)) && maxruns=${Q_RUNS[i]}; done
	for ((r = 1; r <= maxruns; r++)); do
		say "round $r of $maxruns: $(for ((i = 0; i < n; i++)); do ((r <= Q_RUNS[i])) && printf '[%s: %s] ' "${Q_GROUP[i]}" "${Q_TOOL[i]}"; done)| load $(cut -d' ' -f1-3 /proc/loadavg)"
		for ((i = 0; i < n; i++)); do
			((r <= Q_RUNS[i])) && one_run "$i" "$r"
		done
	done
	for ((i = 0; i < n; i++)); do
		local med min max cpu_med status="ok"
		med="$(printf '%s\n' ${Q_WALLS[i]} | median)"
		min="$(printf '%s\n' ${Q_WALLS[i]} | sort -n | awk 'NR == 1')"
		max="$(printf '%s\n' ${Q_WALLS[i]} | sort -n | tail -1)"
		cpu_med="$(printf '%s\n' ${Q_CPUS[i]} | median)"
		[ "${Q_BAD[i]}" != 0 ] && status="FAILED ${Q_BAD[i]}/${Q_RUNS[i]} (${Q_NOTE[i]})"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${Q_GROUP[i]}" "${Q_TOOL[i]}" "${Q_PAR[i]}" "${Q_NREQ[i]}" \
			"$med" "$min" "$max" "${Q_RSS[i]}" "$status" "$cpu_med" "${Q_LOAD[i]}" "${Q_RUNS[i]}" >>"$ROWS"
	done
	Q_GROUP=() Q_TOOL=() Q_PAR=() Q_NREQ=() Q_RUNS=() Q_DIR=() Q_CMD=()
	Q_WALLS=() Q_CPUS=() Q_RSS=() Q_BAD=() Q_NOTE=() Q_LOAD=()
}

gen() { "$BIN/gen" -url "$URL" "$@"; }

# sigrun's collections use `count = N` when this sigrun accepts it.
COUNT_FLAG=""
gen -tool sigrun -workload independent -n 3 -count -out "$COLL/probe-count"
if "$BIN/sigrun" validate "$COLL/probe-count" >"$LOGS/probe-count.out" 2>&1; then
	COUNT_FLAG="-count"
	say "sigrun validate accepts count: the sigrun collections use it"
else
	say "sigrun validate refuses count: the sigrun collections use one block per request"
fi
SIGRUN_FORM="count = N"
[ -z "$COUNT_FLAG" ] && SIGRUN_FORM="N request blocks"

G1="independent ×$N, --parallel $P"
G2="independent ×$N, --parallel 1"
G3="one request (whole process)"
G4="chain of $CHAIN_N dependent requests"
G5="fan-out: 1 + $CHAIN_N, --parallel $P"
G6="growth, --parallel $P"
G7="validate ×$VALIDATE_N (sends nothing)"
G8="upload: PUT of a ${BIG_MB} MiB body_file"
G9="download: GET of ${BIG_MB} MiB"
ONE_RUNS=$((FAST_RUNS < 11 ? 11 : FAST_RUNS))
gen -tool sigrun -workload independent -n "$N" $COUNT_FLAG -out "$COLL/sigrun-ind"
gen -tool sigrun -workload independent -n "$N" -out "$COLL/sigrun-ind-blocks"
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
START_TIME="$(date -u +%Y-%m-%dT%H:%MZ)"

# --- 1. independent signed GETs ---------------------------------------------------

if want independent; then
	measure "$G1" "sigrun" "$P" "$N" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run sigrun-ind --parallel "$P"
	if [ -n "$COUNT_FLAG" ]; then
		measure "$G1" "sigrun, $N blocks" "$P" "$N" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run sigrun-ind-blocks --parallel "$P"
	fi
	measure "$G1" "floor (Go + SDK signer)" "$P" "$N" "$FAST_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload independent -n "$N" -parallel "$P"
	if [ "$HAVE_CURL" = 1 ]; then
		gen -tool curl -workload independent -n "$N" -check -out "$COLL/curl-ind.cfg"
		measure "$G1" "curl -Z" "$P" "$N" "$FAST_RUNS" "$COLL" curl -Z --parallel-max "$P" --no-progress-meter -K curl-ind.cfg
	fi
	if [ "$HAVE_HTTPYAC" = 1 ]; then
		gen -tool httpyac -workload independent -n "$N" -out "$COLL/httpyac-ind.http"
		measure "$G1" "httpyac" "$P" "$N" "$RUNS" "$COLL" "$NODE_BIN/httpyac" send httpyac-ind.http --all -o short --parallel "$P"
	fi
	if [ "$HAVE_NEWMAN" = 1 ]; then
		gen -tool newman -workload independent -n "$N" -out "$COLL/newman-ind.json"
		measure "$G1" "newman (sequential)" 1 "$N" "$RUNS" "$COLL" "$NODE_BIN/newman" run newman-ind.json
	fi
	if [ "$HAVE_BRUNO" = 1 ]; then
		gen -tool bruno -workload independent -n "$N" -out "$COLL/bruno-ind"
		measure "$G1" "bruno (sequential)" 1 "$N" "$RUNS" "$COLL/bruno-ind" "$NODE_BIN/bru" run --env bench
	fi

	measure "$G2" "sigrun" 1 "$N" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run sigrun-ind --parallel 1
	measure "$G2" "floor (Go + SDK signer)" 1 "$N" "$FAST_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload independent -n "$N" -parallel 1
	if [ "$HAVE_CURL" = 1 ]; then
		measure "$G2" "curl (sequential)" 1 "$N" "$FAST_RUNS" "$COLL" curl --no-progress-meter -K curl-ind.cfg
	fi
	flush
fi

# --- 2. one request, start-up included --------------------------------------------

if want one; then
	gen -tool sigrun -workload independent -n 1 -out "$COLL/sigrun-one"
	measure "$G3" "sigrun" 1 1 "$ONE_RUNS" "$COLL" "$BIN/sigrun" run sigrun-one
	measure "$G3" "floor (Go + SDK signer)" 1 1 "$ONE_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload independent -n 1 -parallel 1
	if [ "$HAVE_CURL" = 1 ]; then
		gen -tool curl -workload independent -n 1 -check -out "$COLL/curl-one.cfg"
		measure "$G3" "curl" 1 1 "$ONE_RUNS" "$COLL" curl --no-progress-meter -K curl-one.cfg
	fi
	# Where a one-request run's time goes: the process start-up alone, and
	# the checks that run before anything is sent.
	measure "$G3" "sigrun --help (start-up only)" 0 0 "$ONE_RUNS" "$COLL" "$BIN/sigrun" --help
	measure "$G3" "sigrun validate (same collection)" 0 0 "$ONE_RUNS" "$COLL" "$BIN/sigrun" validate sigrun-one
	flush
fi

# --- 3. a chain and a fan-out ------------------------------------------------------

if want deps; then
	FAN=$((CHAIN_N + 1))
	gen -tool sigrun -workload chain -n "$CHAIN_N" -out "$COLL/sigrun-chain"
	gen -tool sigrun -workload fanout -n "$CHAIN_N" $COUNT_FLAG -out "$COLL/sigrun-fan"
	measure "$G4" "sigrun" "$P" "$CHAIN_N" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run sigrun-chain --parallel "$P"
	measure "$G4" "floor (Go + SDK signer)" 1 "$CHAIN_N" "$FAST_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload chain -n "$CHAIN_N"
	measure "$G5" "sigrun" "$P" "$FAN" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run sigrun-fan --parallel "$P"
	measure "$G5" "floor (Go + SDK signer)" "$P" "$FAN" "$FAST_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload fanout -n "$CHAIN_N" -parallel "$P"
	if [ "$HAVE_HTTPYAC" = 1 ]; then
		gen -tool httpyac -workload chain -n "$CHAIN_N" -out "$COLL/httpyac-chain.http"
		gen -tool httpyac -workload fanout -n "$CHAIN_N" -out "$COLL/httpyac-fan.http"
		measure "$G4" "httpyac" 1 "$CHAIN_N" "$RUNS" "$COLL" "$NODE_BIN/httpyac" send httpyac-chain.http --all -o short
		measure "$G5" "httpyac" "$P" "$FAN" "$RUNS" "$COLL" "$NODE_BIN/httpyac" send httpyac-fan.http --all -o short --parallel "$P"
	fi
	if [ "$HAVE_NEWMAN" = 1 ]; then
		gen -tool newman -workload chain -n "$CHAIN_N" -out "$COLL/newman-chain.json"
		gen -tool newman -workload fanout -n "$CHAIN_N" -out "$COLL/newman-fan.json"
		measure "$G4" "newman (sequential)" 1 "$CHAIN_N" "$RUNS" "$COLL" "$NODE_BIN/newman" run newman-chain.json
		measure "$G5" "newman (sequential)" 1 "$FAN" "$RUNS" "$COLL" "$NODE_BIN/newman" run newman-fan.json
	fi
	if [ "$HAVE_BRUNO" = 1 ]; then
		gen -tool bruno -workload chain -n "$CHAIN_N" -out "$COLL/bruno-chain"
		gen -tool bruno -workload fanout -n "$CHAIN_N" -out "$COLL/bruno-fan"
		measure "$G4" "bruno (sequential)" 1 "$CHAIN_N" "$RUNS" "$COLL/bruno-chain" "$NODE_BIN/bru" run --env bench
		measure "$G5" "bruno (sequential)" 1 "$FAN" "$RUNS" "$COLL/bruno-fan" "$NODE_BIN/bru" run --env bench
	fi
	flush
fi

# --- 4. growth ---------------------------------------------------------------------

if want growth; then
	for n in $SCALE; do
		gen -tool sigrun -workload independent -n "$n" $COUNT_FLAG -out "$COLL/sigrun-scale-$n"
		measure "$G6" "sigrun ×$n" "$P" "$n" "$FAST_RUNS" "$COLL" "$BIN/sigrun" run "sigrun-scale-$n" --parallel "$P"
		measure "$G6" "floor ×$n" "$P" "$n" "$FAST_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload independent -n "$n" -parallel "$P"
	done
	flush
fi

# --- 5. validate ---------------------------------------------------------------------

if want validate; then
	gen -tool sigrun -workload independent -n "$VALIDATE_N" -out "$COLL/sigrun-validate-blocks"
	measure "$G7" "sigrun validate, $VALIDATE_N blocks" 0 0 "$FAST_RUNS" "$COLL" "$BIN/sigrun" validate sigrun-validate-blocks
	if [ -n "$COUNT_FLAG" ]; then
		gen -tool sigrun -workload independent -n "$VALIDATE_N" -count -out "$COLL/sigrun-validate-count"
		measure "$G7" "sigrun validate, count = $VALIDATE_N" 0 0 "$FAST_RUNS" "$COLL" "$BIN/sigrun" validate sigrun-validate-count
	fi
	# The part of a run that validate is: the collections of the ×N runs above.
	measure "$G7" "sigrun validate, the ×$N run's collection ($SIGRUN_FORM)" 0 0 "$FAST_RUNS" "$COLL" "$BIN/sigrun" validate sigrun-ind
	if [ -n "$COUNT_FLAG" ]; then
		measure "$G7" "sigrun validate, the ×$N run's collection ($N blocks)" 0 0 "$FAST_RUNS" "$COLL" "$BIN/sigrun" validate sigrun-ind-blocks
	fi
	flush
fi

# --- 6. 1 GiB up and down ----------------------------------------------------------

if want big && [ "$BIG" = 1 ]; then
	SIZE=$((BIG_MB * 1024 * 1024))
	BIGFILE="$WORK/big-$BIG_MB.bin"
	if [ "$(stat -c %s "$BIGFILE" 2>/dev/null || echo 0)" != "$SIZE" ]; then
		say "writing $BIGFILE ($BIG_MB MiB of random bytes)"
		head -c "$SIZE" /dev/urandom >"$BIGFILE.tmp" && mv "$BIGFILE.tmp" "$BIGFILE"
	fi
	gen -tool sigrun -workload upload -body-file big.bin -out "$COLL/sigrun-upload"
	ln -sf "$BIGFILE" "$COLL/sigrun-upload/big.bin"
	gen -tool sigrun -workload download -size "$SIZE" -out "$COLL/sigrun-download"
	measure "$G8" "sigrun" 1 1 "$BIG_RUNS" "$COLL" "$BIN/sigrun" run sigrun-upload
	measure "$G8" "floor (Go + SDK signer)" 1 1 "$BIG_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload upload -body-file "$BIGFILE"
	measure "$G9" "sigrun" 1 1 "$BIG_RUNS" "$COLL" "$BIN/sigrun" run sigrun-download
	measure "$G9" "floor (Go + SDK signer)" 1 1 "$BIG_RUNS" "$COLL" "$BIN/floor" -url "$URL" -workload download -size "$SIZE"
	flush
fi

# Package initialisation before main, from the Go runtime's own trace.
: >"$WORK/inittrace"
for ((i = 1; i <= ONE_RUNS; i++)); do
	GODEBUG=inittrace=1 "$BIN/sigrun" --help 2>&1 >/dev/null | awk -v run="$i" '/^init / { print run, $2, $5 }' >>"$WORK/inittrace"
done
# The median over the runs of the total, and of each package's share.
INIT_MS="$(awk '{ s[$1] += $3 } END { for (r in s) print s[r] }' "$WORK/inittrace" | sort -n |
	awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
INIT_TOP="$(sort -k2,2 -k3,3n "$WORK/inittrace" | awk '
	$2 != p { if (p != "") out(); p = $2; n = 0 } { v[++n] = $3 }
	END { out() }
	function out() { printf "%s %s\n", p, (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' |
	sort -k2 -rn | awk 'NR <= 5' | awk '{ printf "%s%s (%s ms)", (NR > 1 ? ", " : ""), $1, $2 }')"
echo "Start-up: sigrun's package initialisation (GODEBUG=inittrace=1, the sum of the init clock times, median of $ONE_RUNS runs of \`sigrun --help\`) takes $INIT_MS ms before main runs; the largest: $INIT_TOP." >"$WORK/init-summary"

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report --------------------------------------------------------------------------

{
	echo "Measured $START_TIME with bench/run.sh: sigrun $SIGRUN_REV (collections: $SIGRUN_FORM; sigrun and the floor built with CGO_ENABLED=0), $(go version | cut -d' ' -f3)."
	echo
	echo "Machine: $(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | awk 'NR == 1')), $(free -m | awk '/^Mem:/ {printf "%.1f GiB", $2/1024}') memory, $(uname -sr); load average (1, 5, 15 min) $LOAD_START at the start, $LOAD_END at the end."
	echo
	versions="floor: aws-sdk-go-v2 signer as in go.mod"
	[ "$HAVE_CURL" = 1 ] && versions="$versions; $(curl --version | awk 'NR == 1' | cut -d' ' -f1-2)"
	[ "$HAVE_NEWMAN" = 1 ] && versions="$versions; newman $NEWMAN_VERSION"
	[ "$HAVE_HTTPYAC" = 1 ] && versions="$versions; httpyac $HTTPYAC_VERSION"
	[ "$HAVE_BRUNO" = 1 ] && versions="$versions; @usebruno/cli $BRUNO_VERSION"
	command -v node >/dev/null && versions="$versions; node $(node --version)"
	echo "Peers: $versions."
	echo
	echo "Wall time is the median of the runs (column runs; the runs of a group's tools are interleaved, round-robin, so that load from elsewhere falls on all of them alike), whole process, start-up included; CPU is the median user+sys time of the tool's process (GNU time %U+%S; the target server's CPU is not in it); peak RSS is the largest of the runs (GNU time %M); × sigrun is the tool's median wall time over that of the group's first sigrun row (above 1: slower than sigrun; in the growth group, floor over sigrun at the same size); checked: every run exited 0 and the server saw every request, each with a valid SigV4 signature."
	echo
	if [ -s "$WORK/init-summary" ]; then
		cat "$WORK/init-summary"
		echo
	fi
	awk -F'\t' '
	BEGIN { OFS = "" }
	{
		g[NR] = $1; tool[NR] = $2; par[NR] = $3; n[NR] = $4; med[NR] = $5; mn[NR] = $6; mx[NR] = $7; rss[NR] = $8; st[NR] = $9; cpu[NR] = $10; runs[NR] = $12
		if (!($1 in base) && $2 ~ /^sigrun/) { base[$1] = $5; baseidx[$1] = NR }
		if ($2 ~ /^sigrun ×/) { split($2, a, "×"); scale[a[2]] = $5 }
		if (!($1 in seen)) { seen[$1] = 1; order[++ng] = $1; lmin[$1] = $11; lmax[$1] = $11 }
		if ($11 + 0 < lmin[$1] + 0) lmin[$1] = $11; if ($11 + 0 > lmax[$1] + 0) lmax[$1] = $11
	}
	END {
		for (k = 1; k <= ng; k++) {
			grp = order[k]
			print ""
			print "#### ", grp, " (1-min load ", (lmin[grp] == lmax[grp] ? lmin[grp] : lmin[grp] "–" lmax[grp]), ")"
			print ""
			print "| tool | parallel | requests | runs | wall (median) | min–max | req/s | CPU (user+sys) | peak RSS | × sigrun | checked |"
			print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
			for (i = 1; i <= NR; i++) {
				if (g[i] != grp) continue
				ratio = "—"
				if (grp ~ /^growth/) {
					split(tool[i], a, "×"); b = scale[a[2]]
					if (tool[i] !~ /^sigrun/ && b > 0) ratio = sprintf("%.2f", med[i] / b)
				} else if (base[grp] > 0 && i != baseidx[grp]) ratio = sprintf("%.2f", med[i] / base[grp])
				rps = (n[i] > 0 && med[i] > 0) ? sprintf("%.0f", n[i] / (med[i] / 1e6)) : "—"
				printf "| %s | %s | %s | %s | %.3f s | %.3f–%.3f s | %s | %.2f s | %.1f MiB | %s | %s |\n", tool[i], (par[i] == 0 ? "—" : par[i]), (n[i] == 0 ? "—" : n[i]), runs[i], med[i] / 1e6, mn[i] / 1e6, mx[i] / 1e6, rps, cpu[i] / 1e6, rss[i] / 1024, ratio, st[i]
			}
		}
	}' "$ROWS"
} >"$RESULTS"

# --- targets ------------------------------------------------------------------------

row() { awk -F'\t' -v g="$1" -v t="$2" -v f="$3" '$1 == g && $2 == t { print $f; exit }' "$ROWS"; }
ok_row() { [ "$(row "$1" "$2" 9)" = "ok" ]; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**missed**"; fi; }
{
	echo
	echo "#### The issue's targets"
	echo
	echo "| target | measured | verdict |"
	echo "|---|---|---|"
	s8=$(row "$G1" sigrun 5) f8=$(row "$G1" "floor (Go + SDK signer)" 5)
	s1=$(row "$G2" sigrun 5) f1=$(row "$G2" "floor (Go + SDK signer)" 5)
	if [ -n "$s8" ] && [ -n "$f8" ]; then
		r=$(awk "BEGIN { printf \"%.2f\", $s8 / $f8 }")
		echo "| $N requests, --parallel $P: within 1.15× of the Go floor | ${r}× ($(awk "BEGIN { printf \"%.3f s vs %.3f s\", $s8/1e6, $f8/1e6 }")) | $(verdict "$r <= 1.15") |"
	fi
	if [ -n "$s1" ] && [ -n "$f1" ]; then
		r=$(awk "BEGIN { printf \"%.2f\", $s1 / $f1 }")
		echo "| $N requests, --parallel 1: within 1.25× of the Go floor | ${r}× ($(awk "BEGIN { printf \"%.3f s vs %.3f s\", $s1/1e6, $f1/1e6 }")) | $(verdict "$r <= 1.25") |"
	fi
	nm=$(row "$G1" "newman (sequential)" 5)
	if [ -n "$nm" ] && [ -n "$s8" ]; then
		r=$(awk "BEGIN { printf \"%.0f\", $nm / $s8 }")
		echo "| ≥ 100× faster than newman | ${r}× (newman is sequential; sigrun --parallel $P) | $(verdict "$r >= 100") |"
	fi
	cz=$(row "$G1" "curl -Z" 5)
	if [ -n "$cz" ] && [ -n "$s8" ]; then
		r=$(awk "BEGIN { printf \"%.2f\", $cz / $s8 }")
		echo "| ≥ 2× faster than curl -Z | ${r}× ($(awk "BEGIN { printf \"%.3f s vs %.3f s\", $cz/1e6, $s8/1e6 }")) | $(verdict "$r >= 2") |"
	fi
	so=$(row "$G3" sigrun 5) co=$(row "$G3" curl 5)
	if [ -n "$so" ] && [ -n "$co" ]; then
		echo "| one request no slower than curl | $(awk "BEGIN { printf \"%.1f ms vs %.1f ms\", $so/1e3, $co/1e3 }") | $(verdict "$so <= $co") |"
	fi
	m=$(row "$G1" sigrun 8)
	[ -n "$m" ] && echo "| < 40 MiB peak for $N requests | $(awk "BEGIN { printf \"%.1f MiB\", $m/1024 }") | $(verdict "$m < 40*1024") |"
	# Per-request cost two ways: wall ÷ requests (start-up included, which
	# favours large runs), and (wall − the one-request run) ÷ (requests − 1),
	# which is what "linear" is judged on.
	lin=$(awk -F'\t' -v g="$G6" -v one="${so:-0}" '$1 == g && $2 ~ /^sigrun ×/ {
		c = $5 / $4; d = ($5 - one) / ($4 - 1)
		if (min == "" || c < min) min = c; if (c > max) max = c
		if (dmin == "" || d < dmin) dmin = d; if (d > dmax) dmax = d
		s = s sprintf("%s%d: %.0f / %.0f µs", (s == "" ? "" : ", "), $4, c, d)
	} END { if (min > 0 && dmin > 0) printf "%.2f\t%.2f\t%s", max / min, dmax / dmin, s }' "$ROWS")
	if [ -n "$lin" ]; then
		IFS=$'\t' read -r r rd detail <<<"$lin"
		echo "| linear growth: per-request cost within 1.2× over $(echo "$SCALE" | awk '{print $1 "–" $NF}') | ${rd}× without start-up (${r}× with it); per request, with / without start-up: $detail | $(verdict "$rd <= 1.2") |"
	fi
	vt=$(row "$G7" "sigrun validate, $VALIDATE_N blocks" 5) vm=$(row "$G7" "sigrun validate, $VALIDATE_N blocks" 8)
	if [ -n "$vt" ]; then
		echo "| validate of $VALIDATE_N requests (blocks) < 300 ms and < 150 MiB | $(awk "BEGIN { printf \"%.0f ms, %.1f MiB\", $vt/1e3, $vm/1024 }") | $(verdict "$vt < 300000 && $vm < 150*1024") |"
	fi
	if [ "$BIG" = 1 ]; then
		for gg in "$G8" "$G9"; do
			m=$(row "$gg" sigrun 8)
			[ -n "$m" ] || continue
			if ok_row "$gg" sigrun; then
				echo "| ${gg%%:*} of $BIG_MB MiB under 64 MiB peak | $(awk "BEGIN { printf \"%.1f MiB\", $m/1024 }") | $(verdict "$m < 64*1024") |"
			else
				echo "| ${gg%%:*} of $BIG_MB MiB under 64 MiB peak | fails: $(row "$gg" sigrun 9) ($(awk "BEGIN { printf \"%.1f MiB\", $m/1024 }")) | **missed** |"
			fi
		done
	fi
	for gg in "$G1" "$G2" "$G3"; do
		if [ -n "$(row "$gg" sigrun 9)" ] && ! ok_row "$gg" sigrun; then echo "| (sigrun's run in \"$gg\" failed: $(row "$gg" sigrun 9)) | | **missed** |"; fi
	done
} >>"$RESULTS"

# --- profile -------------------------------------------------------------------------

S=github.com/sigrun-dev/sigrun
PERF_FUNCS="$S/command.prepare $S/dsl.LoadPath $S/runner.New $S/runner.(*Runner).validate"
PERF_FUNCS="$PERF_FUNCS $S/runner/graph.(*Graph).Walk $S/runner.(*Runner).runInstance $S/runner.(*Runner).send"
PERF_FUNCS="$PERF_FUNCS $S/signer.(*Signer).SignHTTP net/http.(*persistConn).writeLoop net/http.(*persistConn).readLoop"
PERF_FUNCS="$PERF_FUNCS $S/view.(*Run).RequestFinished github.com/charmbracelet/lipgloss.Style.Render"
PERF_FUNCS="$PERF_FUNCS runtime.mallocgc runtime.gcBgMarkWorker runtime.newstack runtime.schedule"

# perf_profile NAME COLLECTION: perf record of one `sigrun run COLLECTION`,
# reported as self time by package (kernel, Go runtime, ...) and top symbols.
perf_profile() {
	local name=$1 coll=$2 data="$WORK/perf-$1.data"
	say "perf record: sigrun run $coll --parallel $P"
	(cd "$COLL" && perf record -F 4999 -g -o "$data" "$BIN/sigrun" run "$coll" --parallel "$P" >/dev/null 2>"$LOGS/perf-$name.log") || true
	perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' >"$WORK/perf-$name.txt" || true
	{
		echo
		echo "#### Where sigrun's CPU time goes: \`sigrun run $coll --parallel $P\` (perf, self time; $(grep -m1 -o '[0-9]* samples' "$LOGS/perf-$name.log" || echo "? samples"))"
		echo
		echo "By package (Go symbols cut at the last dot before the function; [k] is the kernel):"
		echo
		echo '```'
		awk '{
			pct = $1; sub("%", "", pct)
			if ($2 == "[k]") pkg = "[kernel]"
			else if ($3 ~ /^0x[0-9a-f]+$/) pkg = "[unknown]"
			else {
				sym = $3; for (i = 4; i <= NF && $i != "-"; i++) sym = sym " " $i
				# package path: up to the first dot after the last slash
				j = 0; for (k = 1; k <= length(sym); k++) if (substr(sym, k, 1) == "/") j = k
				rest = substr(sym, j + 1); d = index(rest, ".")
				pkg = (d > 0) ? substr(sym, 1, j + d - 1) : sym
			}
			tot[pkg] += pct
		} END { for (p in tot) printf "%6.2f%%  %s\n", tot[p], p }' "$WORK/perf-$name.txt" | sort -rn | awk 'NR <= 20'
		echo '```'
		echo
		echo "Inclusive (with callees) share of selected functions:"
		echo
		echo '```'
		perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9.]+%' |
			awk -v want="$PERF_FUNCS" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = i }
				($4 in ok) && !($4 in done) { done[$4] = 1; line[ok[$4]] = sprintf("%7s  %s", $1, $4) }
				END { for (i = 1; i <= n; i++) if (i in line) print line[i] }'
		echo '```'
		echo
		echo "Top 20 symbols:"
		echo
		echo '```'
		head -20 "$WORK/perf-$name.txt" | awk '{ $NF = ""; $(NF-1) = ""; print }' | sed 's/ *$//'
		echo '```'
	} >>"$RESULTS"
}

if [ "$PROFILE" = 1 ]; then
	if command -v perf >/dev/null; then
		BIGGEST="$(echo "$SCALE" | awk '{print $NF}')"
		[ -d "$COLL/sigrun-scale-$BIGGEST" ] || gen -tool sigrun -workload independent -n "$BIGGEST" $COUNT_FLAG -out "$COLL/sigrun-scale-$BIGGEST"
		perf_profile "count" "sigrun-scale-$BIGGEST"
		if [ -n "$COUNT_FLAG" ]; then
			gen -tool sigrun -workload independent -n "$BIGGEST" -out "$COLL/sigrun-scale-$BIGGEST-blocks"
			perf_profile "blocks" "sigrun-scale-$BIGGEST-blocks"
		fi
	else
		say "perf is not installed: no profile"
	fi
fi

cat "$RESULTS"
say "results in $RESULTS; logs in $LOGS"
