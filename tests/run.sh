#!/usr/bin/env bash
# Runs every SmartPole test against the real peers. Installs what is missing first:
# Debian's mosquitto, mosquitto-clients, influxdb, chromium and CJK fonts, and the test's node
# packages from the committed lock file. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=${CONFIGURATION:-Release}
packages=(mosquitto mosquitto-clients influxdb chromium fonts-noto-cjk)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "Installing the tests' node packages (tests/node, from package-lock.json)"
(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)

echo "Building ($configuration)"
dotnet build SmartPole.sln -c "$configuration" -nologo -clp:ErrorsOnly

results=$(mktemp -d)
status=0
# One test assembly at a time: the end-to-end and broker tests start real servers, and on a
# two-core machine running them side by side starves their timers more than it saves time.
dotnet test SmartPole.sln -c "$configuration" --no-build --nologo -maxcpucount:1 \
  --logger "trx" --results-directory "$results" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
rm -rf "$results"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run broke outside any test (a crashed test host, a build error): count it as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
