#!/usr/bin/env bash
# Mailbox-scale speed of `mailinspector check`, measured as a user would run
# it, against mailauth 4.9.5 (npm) in the same run, with the same files and
# the same DNS server. A benchmark, not a test: run it by hand.
#
#   bench/mailbox.sh                      everything below, 3 rounds
#   RUNS=5 MBOX_N=20000 bench/mailbox.sh  more rounds, a smaller mbox
#
# What it does:
#  1. builds the real binary (go build ., as `make build`: needs cgo and the
#     GL headers `make deps` installs) and bench/mailbench;
#  2. makes the corpus (bench/mailbench gen): 1,000 messages, 50 distinct
#     ones from 40 senders, 20 copies each, every sender with its own
#     RSA-2048 DKIM key, SPF with an include, DMARC p=reject and reverse DNS;
#  3. serves its zone on 127.0.0.1 (bench/mailbench serve, on
#     inspector/resolver/dnstest: an authoritative server with SOA records,
#     answering from memory);
#  4. installs mailauth@4.9.5 from npm into the work folder, once;
#  5. RUNS rounds of, one after the other:
#       ours:     mailinspector check --json --dns ADDR FILE... > out.json
#       mailauth: node bench/mailauth-check.js ADDR files.txt (authenticate()
#                 on each file in turn, trustReceived, the same server)
#     and prints both times and their ratio for each round and the median;
#  6. the offline figure: check --json --offline --snapshot (recorded in an
#     untimed run with --record) over the same 1,000 files, in messages/s;
#  7. peak RSS of check --json --dns ADDR over an mbox of MBOX_N messages
#     (default 100,000; the 50 distinct messages in turn), with
#     /usr/bin/time -v.
#
# env: WORK (work folder, default a new temporary one; reusing one keeps
#      the corpus, mailauth and the mbox), RUNS (default 3), MBOX_N
#      (default 100000; 0 skips step 7).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
WORK=${WORK:-$(mktemp -d /tmp/mailbench.XXXXXX)}
RUNS=${RUNS:-3}
MBOX_N=${MBOX_N:-100000}
mkdir -p "$WORK"
echo "work folder: $WORK"
# The memory of senders and the key archive stay on, as for a user, but in
# the work folder rather than the user's configuration folder.
export XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$XDG_CONFIG_HOME"

go build -o "$WORK/mailinspector" .
go build -o "$WORK/mailbench" ./bench/mailbench
if [ ! -f "$WORK/corpus/files.txt" ]; then
	"$WORK/mailbench" gen "$WORK/corpus"
fi
mapfile -t files <"$WORK/corpus/files.txt"
n=${#files[@]}

if [ ! -d "$WORK/mailauth/node_modules/mailauth" ]; then
	mkdir -p "$WORK/mailauth"
	(cd "$WORK/mailauth" && npm install --no-audit --no-fund --silent mailauth@4.9.5 >/dev/null)
fi
cp bench/mailauth-check.js "$WORK/mailauth/"

coproc SERVER { "$WORK/mailbench" serve "$WORK/corpus/zone.txt"; }
server_pid=$SERVER_PID
read -r addr <&"${SERVER[0]}"
stop_server() {
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT
echo "DNS server: $addr; $n messages; mailauth $(node -p "require('$WORK/mailauth/node_modules/mailauth/package.json').version")"

ms() { echo $(($(date +%s%N) / 1000000)); }

ours_t=() theirs_t=()
for ((r = 1; r <= RUNS; r++)); do
	t0=$(ms)
	"$WORK/mailinspector" check --json --dns "$addr" "${files[@]}" >"$WORK/ours.json"
	t1=$(ms)
	node "$WORK/mailauth/mailauth-check.js" "$addr" "$WORK/corpus/files.txt"
	t2=$(ms)
	pass=$(grep -c '"verdict":"pass"' "$WORK/ours.json" || true)
	ours_t+=($((t1 - t0))) theirs_t+=($((t2 - t1)))
	awk -v r="$r" -v a=$((t1 - t0)) -v b=$((t2 - t1)) -v p="$pass" -v n="$n" \
		'BEGIN { printf "round %d: ours %.2f s (%d of %d pass), mailauth %.2f s, mailauth/ours %.2fx\n", r, a/1000, p, n, b/1000, b/a }'
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
mo=$(median "${ours_t[@]}") mt=$(median "${theirs_t[@]}")
awk -v a="$mo" -v b="$mt" 'BEGIN { printf "median: ours %.2f s, mailauth %.2f s, ratio %.2fx (goal 3x)\n", a/1000, b/1000, b/a }'

"$WORK/mailinspector" check --json --dns "$addr" --record "$WORK/dns.json" "${files[@]}" >/dev/null
off=()
for ((r = 1; r <= RUNS; r++)); do
	t0=$(ms)
	"$WORK/mailinspector" check --json --offline --snapshot "$WORK/dns.json" "${files[@]}" >/dev/null
	t1=$(ms)
	off+=($((t1 - t0)))
done
mf=$(median "${off[@]}")
awk -v a="$mf" -v n="$n" 'BEGIN { printf "offline: %d messages in %.2f s, %.0f messages/s (goal 3000)\n", n, a/1000, n*1000/a }'

if [ "$MBOX_N" -gt 0 ]; then
	box="$WORK/mbox-$MBOX_N"
	[ -f "$box" ] || "$WORK/mailbench" mbox "$WORK/corpus" "$MBOX_N" "$box"
	/usr/bin/time -v "$WORK/mailinspector" check --json --dns "$addr" "$box" 2>"$WORK/time.txt" | wc -l >"$WORK/lines.txt"
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
	awk -v k="$rss" -v n="$MBOX_N" -v l="$(cat "$WORK/lines.txt")" -v w="$wall" \
		'BEGIN { printf "mbox of %d messages: %d reports in %s, peak RSS %.0f MiB (goal under 200)\n", n, l, w, k/1024 }'
fi
