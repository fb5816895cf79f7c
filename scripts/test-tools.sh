#!/usr/bin/env bash
# Owns: what the test suite needs beyond npm (scripts/test-packages.txt) and installing it.
#   test-tools.sh missing   print the Debian packages whose tool is missing, one a line
#   test-tools.sh install   install them with apt-get when root (Postfix preseeded as
#                           "No configuration", so the system instance never starts)
#   test-tools.sh pretest   `npm test`'s pretest: install when root and apt-get are there, otherwise
#                           say loudly what is missing (those tests are skipped, not failed)
set -uo pipefail
cd "$(dirname "$0")/.."

present() {
  case "$1" in
    cmd) command -v "$2" >/dev/null 2>&1 ;;
    perl) perl -M"$2" -e1 >/dev/null 2>&1 ;;
    python) /usr/bin/python3 -c "import $2" >/dev/null 2>&1 ;;
    file) [ -x "$2" ] ;;
    *) return 1 ;;
  esac
}

# THUTIN_TEST_PACKAGES: another list (the tests of this script use one).
LIST="${THUTIN_TEST_PACKAGES:-scripts/test-packages.txt}"

missing() {
  grep -v '^\s*#' "$LIST" | while read -r kind what pkg; do
    [ -z "${kind:-}" ] && continue
    present "$kind" "$what" || echo "$pkg"
  done | sort -u
}

install() {
  mapfile -t need < <(missing)
  [ ${#need[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  if printf '%s\n' "${need[@]}" | grep -qx postfix; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    echo "postfix postfix/mailname string thutin.test" | debconf-set-selections
  fi
  echo "thutin: cài cho bộ kiểm thử / installing for the test suite: ${need[*]}" >&2
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${need[@]}"
}

case "${1:-}" in
  missing) missing ;;
  install) install ;;
  pretest)
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      install || echo "thutin: apt-get install thất bại / failed; các kiểm thử cần công cụ thiếu sẽ bị bỏ qua / tests needing a missing tool will be skipped" >&2
    fi
    mapfile -t still < <(missing)
    if [ ${#still[@]} -gt 0 ]; then
      echo "" >&2
      echo "*** Thiếu / missing: ${still[*]} — các kiểm thử cần chúng sẽ bị BỎ QUA / the tests that need them will be SKIPPED (sudo apt-get install ${still[*]}) ***" >&2
      echo "" >&2
    fi
    exit 0
    ;;
  *)
    echo "usage: $0 missing|install|pretest" >&2
    exit 2
    ;;
esac
