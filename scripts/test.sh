#!/usr/bin/env bash
# Runs the whole OfflinePortal test suite. Installs what the tests need when it is missing:
# Debian chromium (browser tests), gdal-bin + python3-gdal (validate_gpkg, ogrinfo, ogr2ogr), and the npm packages
# of the tests (Koop). Ends with a line "N passed, N failed" read from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
/usr/bin/python3 -c "import osgeo" >/dev/null 2>&1 || need+=(python3-gdal)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

for dir in OfflinePortal.Tests/npm; do
  if [ -f "$dir/package.json" ] && [ ! -f "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test OfflinePortal.sln -c Debug --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx "$results"/*/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p))
  failed=$((failed + f))
done
if [ "$failed" -gt 0 ]; then
  # Repeat every failure with its message just above the last line, where a CI log's tail shows it.
  for trx in "$results"/*.trx "$results"/*/*.trx; do
    python3 "$root/scripts/trx-failures.py" "$trx" || true
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the test host failed before any result was written: count it as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
