#!/usr/bin/env bash
# tcvpc beside tccli 3.1.189.1, in one run (docs/benchmarks.md, "The command line"):
# start (--version), completing an action name, and one call against the local
# endpoint over HTTPS. Min and median of N runs each, in milliseconds.
#
# Needs: target/tccli-venv (made by `cargo test -p vpc-cli --test tccli`), a built
# tcvpc (TCVPC, default target/release/tcvpc) and vpc-mock (MOCK, default
# target/debug/vpc-mock), openssl. Usage: bash docs/bench-cli.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
TARGET=${CARGO_TARGET_DIR:-target}
TCVPC=${TCVPC:-$TARGET/release/tcvpc}
MOCK=${MOCK:-$TARGET/debug/vpc-mock}
VENV=$TARGET/tccli-venv
TCCLI=$VENV/bin/tccli
work=$(mktemp -d)
trap 'kill $mock_pid 2>/dev/null || true; cp "$bundle.orig" "$bundle" 2>/dev/null || true; rm -rf "$work"' EXIT

# A test CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 1 -subj "/CN=bench ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$work/srv.key" -out "$work/srv.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" > "$work/ext"
openssl x509 -req -in "$work/srv.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -out "$work/srv.pem" -days 1 -extfile "$work/ext" 2>/dev/null
bundle=$("$VENV/bin/python" -c 'import certifi; print(certifi.where())')
[ -f "$bundle.orig" ] || cp "$bundle" "$bundle.orig"
cat "$bundle.orig" "$work/ca.pem" > "$bundle"

"$MOCK" --port 0 --no-rate-limit --tls-cert "$work/srv.pem" --tls-key "$work/srv.key" > "$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 50); do grep -q listening "$work/mock.log" && break; sleep 0.1; done
host=$(sed -n 's#.*listening on https://\([^ ]*\).*#\1#p' "$work/mock.log" | head -1)

export HOME=$work/home TENCENTCLOUD_SECRET_ID=AKIDLOCALMOCKEXAMPLE \
    TENCENTCLOUD_SECRET_KEY=local-mock-secret-key TENCENTCLOUD_REGION=ap-guangzhou
mkdir -p "$HOME"

# min and median of N samples of "$@", in ms; a sample is the mean of K runs (K=20 for
# tcvpc, whose runs are shorter than the two `date` forks around them; 1 for tccli)
measure() {
    local k=$1 times=()
    shift
    for _ in $(seq "$N"); do
        local s e
        s=$(date +%s%N)
        for _ in $(seq "$k"); do "$@" > /dev/null 2>&1 || true; done
        e=$(date +%s%N)
        times+=($(( (e - s) / 1000 / k )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f\n", a[1]/1000, a[int((NR+1)/2)]/1000}'
}
complete_tccli() { COMP_LINE="tccli vpc DescribeV" "$VENV/bin/tccli_completer"; }
complete_tcvpc() { "$TCVPC" __complete vpc DescribeV; }
printf "| command | tccli min / median (ms) | tcvpc min / median (ms) | ratio (median) |\n|---|---|---|---|\n"
report() {
    local name=$1 a b
    a=$(measure 1 "${@:2:1}") ; b=$(measure 20 "${@:3:1}")
    read -r amin amed <<<"$a"; read -r bmin bmed <<<"$b"
    printf "| %s | %s / %s | %s / %s | 1/%s |\n" "$name" "$amin" "$amed" "$bmin" "$bmed" \
        "$(awk -v a="$amed" -v b="$bmed" 'BEGIN {printf "%.0f", a / (b > 0 ? b : 0.001)}')"
}
ver_tccli() { "$TCCLI" --version; }
ver_tcvpc() { "$TCVPC" --version; }
call_tccli() { "$TCCLI" vpc DescribeVpcs --endpoint "$host"; }
call_tcvpc() { SSL_CERT_FILE=$work/ca.pem "$TCVPC" vpc DescribeVpcs --endpoint "$host"; }
report "\`--version\`" ver_tccli ver_tcvpc
report "completing \`vpc DescribeV<TAB>\`" complete_tccli complete_tcvpc
report "\`vpc DescribeVpcs\` against the local endpoint (HTTPS)" call_tccli call_tcvpc
echo
echo "N=$N; tcvpc: $TCVPC ($(du -h "$TCVPC" | cut -f1)); $(nproc) cores"
