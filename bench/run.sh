#!/usr/bin/env bash
# `npm run bench`: thutin against Dovecot (IMAP) and Postfix→LMTP→Dovecot (SMTP) on this machine.
# Installs the peers from Debian's packages if missing (as root, non-interactively; Postfix
# preseeded as "No configuration"), raises the open-file limit, makes a temp folder, runs
# bench/main.ts, and removes every process and file it started, whatever happens.
# Not part of the tests. Knobs: BENCH_MESSAGES, BENCH_SMTP_MESSAGES, BENCH_SMTP_RUNS, BENCH_REPS,
# BENCH_IDLE_CONNECTIONS, BENCH_OUT (default docs/BENCHMARKS.md), BENCH_KEEP=1 (keep temp folder),
# BENCH_OUTBOUND=0 (skip the outbound delivery bench), BENCH_OUTBOUND_MESSAGES, BENCH_OUTBOUND_RUNS.
# The directory search benchmark (50,000 people, HTTP API and LDAP) is separate and needs no root
# or peers: `npm run bench:directory` (bench/directory-bench.ts, its own temp folder and cleanup;
# knobs BENCH_DIR_PEOPLE, BENCH_DIR_QUERIES, BENCH_DIR_ROUNDS, BENCH_DIR_WARMUP); it rewrites its own section
# of docs/BENCHMARKS.md, which this run keeps.
# `npm run bench -- smtp` runs only the SMTP ingest bench (issue 8, bench/smtp-ingest.ts:
# smtp-source 5,000 × 10 KB into thutin with a working and a dead resolver, and into
# Postfix→Dovecot; knobs BENCH_INGEST_MESSAGES, BENCH_INGEST_RUNS, BENCH_INGEST_CAP_S,
# BENCH_INGEST_CASES); the full run does it too after the others unless BENCH_INGEST=0.
# `npm run bench -- pop3` runs only the POP3 bench (issue 13, bench/pop3-bench.ts: RETR of 1,000
# messages from thutin and from Dovecot's POP3; knobs BENCH_POP3_MESSAGES, BENCH_POP3_RUNS); the
# full run does it too at the end unless BENCH_POP3=0.
# `npm run bench -- imap-stress` runs only the mixed-command IMAP stress bench (issue 13,
# bench/imap-stress-bench.ts: 50 clients × 60 s against Dovecot; knobs BENCH_STRESS_CLIENTS,
# BENCH_STRESS_SECONDS, BENCH_STRESS_ROUNDS); the full run does it too at the end unless BENCH_STRESS=0.
set -euo pipefail
ONLY="${1:-all}"
case "$ONLY" in all | smtp | pop3 | imap-stress) ;; *) echo "bench: unknown part '$ONLY' (all, smtp, pop3, imap-stress)" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
export PATH="$PATH:/usr/sbin:/sbin" # smtp-source, postfix, dovecot live in sbin
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bench: needs root (apt-get, Dovecot, Postfix)" >&2; exit 1; }
  SUDO="sudo -E"
fi

# 1. Packages: dovecot-imapd + dovecot-lmtpd, postfix (smtp-source comes with it), openssl.
need=()
for pkg in dovecot-imapd dovecot-lmtpd dovecot-pop3d postfix openssl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  echo "postfix postfix/mailname string bench.test" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v smtp-source >/dev/null || { echo "bench: smtp-source not found after installing postfix" >&2; exit 1; }
[ -d node_modules/tsx ] || { echo "bench: run npm install first" >&2; exit 1; }

# 2. 1,000 idle TLS connections: client and server sockets share this machine.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4500 ]; then
  echo "bench: open-file limit $(ulimit -n) is too low for ${BENCH_IDLE_CONNECTIONS:-1000} connections; raise the hard limit" >&2
  exit 1
fi

# 3. Temp folder and cleanup of everything started in it.
WORK="$(mktemp -d /tmp/thutin-bench.XXXXXX)"
chmod 755 "$WORK"
export BENCH_WORK="$WORK"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$WORK/thutin.pid" ]; then kill "$(cat "$WORK/thutin.pid")" 2>/dev/null || true; fi
  if [ -f "$WORK/postfix/etc/main.cf" ]; then postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/postfix-relay/etc/main.cf" ]; then postfix -c "$WORK/postfix-relay/etc" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/ingest/postfix/etc/main.cf" ]; then postfix -c "$WORK/ingest/postfix/etc" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/ingest/dovecot/dovecot.conf" ]; then doveadm -c "$WORK/ingest/dovecot/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/dovecot/dovecot.conf" ]; then doveadm -c "$WORK/dovecot/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/stress/dovecot/dovecot.conf" ]; then doveadm -c "$WORK/stress/dovecot/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$WORK/pop3/dovecot-pop3/dovecot.conf" ]; then doveadm -c "$WORK/pop3/dovecot-pop3/dovecot.conf" stop >/dev/null 2>&1 || true; fi
  # whatever still runs from the temp folder (Postfix/Dovecot children take a moment)
  sleep 1
 for f in "$WORK/thutin.pid" "$WORK/stress/thutin.pid" "$WORK/stress/dovecot/run/master.pid" "$WORK/pop3/thutin.pid" "$WORK/pop3/dovecot-pop3/run/master.pid" "$WORK/ingest/thutin.pid" "$WORK/ingest/postfix/queue/pid/master.pid" "$WORK/ingest/dovecot/run/master.pid" "$WORK/postfix/queue/pid/master.pid" "$WORK/dovecot/run/master.pid" "$WORK/postfix-relay/queue/pid/master.pid" "$WORK/smtp-sink.pid"; do
    if [ -f "$f" ]; then kill -9 "$(tr -d ' \n' <"$f")" 2>/dev/null || true; fi
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench: kept $WORK (logs: thutin.log, dovecot/dovecot.log, postfix/maillog)" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

# 4. The run.
if [ "$ONLY" = smtp ]; then
  node --import tsx bench/smtp-ingest.ts
  exit 0
fi
if [ "$ONLY" = imap-stress ]; then
  mkdir -p "$WORK/stress" && chmod 755 "$WORK/stress"
  BENCH_WORK="$WORK/stress" node --import tsx bench/imap-stress-bench.ts
  exit 0
fi
if [ "$ONLY" = pop3 ]; then
  mkdir -p "$WORK/pop3" && chmod 755 "$WORK/pop3"
  BENCH_WORK="$WORK/pop3" node --import tsx bench/pop3-bench.ts
  exit 0
fi
node --import tsx bench/main.ts
# 5. Outbound delivery against Postfix relaying to smtp-sink (its own section of BENCHMARKS.md).
[ "${BENCH_OUTBOUND:-1}" = 0 ] || node --import tsx bench/outbound-bench.ts
# 6. SMTP ingest with smtp-source, resolver cases (its own section of BENCHMARKS.md); the temp
#    folder's peers are stopped by now, the ingest bench starts its own in a subfolder.
if [ "${BENCH_INGEST:-1}" != 0 ]; then
  mkdir -p "$WORK/ingest" && chmod 755 "$WORK/ingest"
  BENCH_WORK="$WORK/ingest" node --import tsx bench/smtp-ingest.ts
fi
# 7. POP3: RETR of 1,000 messages against Dovecot's POP3 (its own section of BENCHMARKS.md).
if [ "${BENCH_POP3:-1}" != 0 ]; then
  mkdir -p "$WORK/pop3" && chmod 755 "$WORK/pop3"
  BENCH_WORK="$WORK/pop3" node --import tsx bench/pop3-bench.ts
fi
# 8. Mixed-command IMAP stress against Dovecot (its own section of BENCHMARKS.md).
if [ "${BENCH_STRESS:-1}" != 0 ]; then
  mkdir -p "$WORK/stress" && chmod 755 "$WORK/stress"
  BENCH_WORK="$WORK/stress" node --import tsx bench/imap-stress-bench.ts
fi
