#!/usr/bin/env bash
# Proves the install steps of the Makefile on a machine that lacks what they install.
#
# A minimal Debian 12 (debootstrap --variant=minbase) in a folder stands in for a new
# machine: it gets only what the README asks for (Python 3 with venv, git, make), then a
# fresh `git clone` of this repository, and runs there, as root:
#
#   1. checks that PostgreSQL's server binaries and msgfmt are missing;
#   2. `make postgres` and `make gettext` as a user who is not root: each must fail with
#      its one-paragraph advice and install nothing;
#   3. `make postgres gettext` as root: apt-get must install both;
#   4. `make install`, then the tests that need each: the catalogue checks (msgfmt) and
#      the series tests on a throwaway PostgreSQL server (initdb, pg_ctl as `postgres`);
#      with --full, the whole `make test` instead.
#
# Nothing on this machine changes but the folder (and the debootstrap package, installed
# if missing): its own PostgreSQL and gettext stay as they are. Needs root and Debian's
# package mirror and PyPI; about 5 minutes (10 with --full) on 2 cores.
#
#   sudo scripts/prove_install.sh [--full] [--keep] [--root DIR]

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT=/tmp/redbridge-prove-install
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
FULL=0
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	--full) FULL=1 ;;
	--keep) KEEP=1 ;;
	--root) ROOT="$2"; shift ;;
	*) echo "usage: $0 [--full] [--keep] [--root DIR]" >&2; exit 2 ;;
	esac
	shift
done

say() { printf '\n== %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and chroot need it)"

mounts=()
cleanup() {
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
	# Never delete through a mount that is still there: it would be this machine's /dev.
	if [ "$KEEP" = 0 ] && ! findmnt -rn -o TARGET | grep -q "^$ROOT/"; then
		rm -rf --one-file-system "$ROOT" "$ROOT.debootstrap.log"
	fi
}
trap cleanup EXIT

if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap on this machine (nothing else is installed here)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi

say "a new Debian 12 in $ROOT (debootstrap --variant=minbase)"
if findmnt -rn -o TARGET | grep -q "^$ROOT/"; then fail "something is still mounted in $ROOT"; fi
rm -rf --one-file-system "$ROOT"
mkdir -p "$ROOT"
debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 ||
	fail "debootstrap failed: see $ROOT.debootstrap.log"

# What a chroot needs of the machine: processes, devices, shared memory (PostgreSQL),
# name resolution, and the machine's CA bundle and pip settings (PyPI as seen from here).
for point in proc dev dev/pts dev/shm; do
	mkdir -p "$ROOT/$point"
	case "$point" in
	proc) mount -t proc proc "$ROOT/proc" ;;
	*) mount --bind "/$point" "$ROOT/$point" ;;
	esac
	mounts+=("$ROOT/$point")
done
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mkdir -p "$ROOT/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/host-ca-certificates.crt"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$ROOT/etc/pip.conf"
# No service starts inside a chroot (the package scripts would try to start PostgreSQL).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod +x "$ROOT/usr/sbin/policy-rc.d"

inside() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
		DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c "$1"
}

say "what the README asks for: Python 3 with venv, git, make"
inside "apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	python3 python3-venv git make ca-certificates >/dev/null"
inside "python3 --version; git --version | sed -n 1p; make --version | sed -n 1p"

say "a fresh clone of $(git -C "$REPO" rev-parse --short HEAD) ($(git -C "$REPO" branch --show-current))"
git clone -q "$REPO" "$ROOT/src/redbridge"
chown -R nobody:nogroup "$ROOT/src"

say "1. PostgreSQL's server binaries and msgfmt are missing"
inside "! ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null && ! command -v msgfmt" ||
	fail "the new system already has PostgreSQL or gettext"
echo "no /usr/lib/postgresql/*/bin/initdb, no msgfmt"

say "2. not root: make postgres and make gettext say what to do and install nothing"
for target in postgres gettext; do
	if inside "cd /src/redbridge && runuser -u nobody -- make $target" >"$ROOT/$target.out" 2>&1; then
		fail "make $target as nobody succeeded without the package"
	fi
	sed 's/^/   /' "$ROOT/$target.out"
	grep -q "apt-get install" "$ROOT/$target.out" || fail "make $target gave no advice"
done
inside "! ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null && ! command -v msgfmt" ||
	fail "something was installed"

say "3. root: make postgres gettext installs both with apt-get"
step=$SECONDS
inside "cd /src/redbridge && make postgres gettext"
inside "ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl && msgfmt --version | sed -n 1p"
echo "   ($((SECONDS - step)) s)"
inside "cd /src/redbridge && make postgres gettext" >"$ROOT/again.out" 2>&1
[ ! -s "$ROOT/again.out" ] || { cat "$ROOT/again.out"; fail "a second run was not silent"; }
echo "a second run installs nothing and says nothing"

say "4. make install, then the tests that need msgfmt and PostgreSQL"
step=$SECONDS
inside "cd /src/redbridge && make install"
echo "   ($((SECONDS - step)) s)"
if [ "$FULL" = 1 ]; then
	inside "cd /src/redbridge && make test PYTEST_WORKERS=2"
else
	inside "cd /src/redbridge && .venv/bin/pytest -q -p no:cacheprovider \
		tests/test_catalogues.py tests/events/test_series.py -k 'not sqlite'"
fi

say "install steps proven in $((SECONDS - started)) s"
