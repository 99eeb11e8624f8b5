#!/usr/bin/env bash
# Makes the node homes the upgrade test opens (cli/src/test/resources/upgrade/NAME.tar.gz), each
# with the bdx of a past commit, so the test shows that a home made by that version opens,
# migrates and goes on sharing under the current build. The project has no release tags: the
# commits below are the last of each database schema that matters.
#
#   scripts/make-upgrade-fixtures.sh               # every fixture below
#   scripts/make-upgrade-fixtures.sh schema-10     # one
#
# Each commit is built in a temporary clone (./mvnw package; never install, which would change
# ~/.m2 for everyone), then drives two organizations, east and north, through its own CLI:
#   - both init (fixed passphrases, where the commit has them, beside each home; alerts valid and kept ten
#     years, the longest allowed, so the fixtures do not expire), serve, and register each
#     other as peer partners; east proposes an agreement, north accepts;
#   - east enters two reports, north one; each receives the other's over the feed, so each
#     holds received alerts and a cursor;
#   - north stops; east enters a third report, which waits in east's outbox for north;
#   - both stop. The two homes, their passphrase files and made-at (Unix seconds) are packed.
# Each commit makes the fullest home its CLI can: what it cannot do is found by asking its own
# help (bdx init --help, bdx status --help) and left out. Before federation (schema 1) there are no
# partners, agreements or feeds: both organizations only enter their reports, in the same order.
# Needs git, a JDK 21+, and the loopback ports 47410-47413 free while it runs
# (BDX_FIXTURE_PORTS=N: N to N+3 instead).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/java-env.sh
. "$root/scripts/java-env.sh"
bdx_select_java
out="$root/cli/src/test/resources/upgrade"

# NAME COMMIT: keep in step with UpgradeEndToEndTest and the README beside the fixtures.
# Every schema the project has had, each made by the last commit on main's first-parent history
# at that schema (the parent of the commit that added the next migration). Schemas 1 to 9 predate
# encryption at rest except schema-09, made after it came (still schema 9): the current build
# encrypts the others in place under a passphrase on their first serve, then migrates them.
fixtures=(
  # Schema 1: alerts, search index, reports; no federation yet (no partners, agreements, feeds).
  "schema-01 4d22a482ac8459966637492260d1ba308d71cbdd"
  # Schema 2: partners, agreements, per-partner outbox, sync state.
  "schema-02 82ed70998a326b7a3e61e1c627e9dec298b76ff2"
  # Schema 3: what each partner was sent, retraction reasons, FTS secure-delete.
  "schema-03 01d5f7b1b3d04dcd9080652a9cad9ef0b642d8a0"
  # Schema 4: relay hop counts of queued items and of held received alerts.
  "schema-04 f972b64bbec895b20c0dd4847baec0fcc434cc6b"
  # Schema 5: outbox indexed by alert (and by partner and alert).
  "schema-05 f44088698e9ddd1a58c0908e5932107392743440"
  # Schema 6: the outbox index by partner and alert dropped again.
  "schema-06 8f0eec8514b8359cb0a7f9974ad274c7923e7422"
  # Schema 7: alert_origins; the index of alerts by id dropped.
  "schema-07 32abe7338b9d032ad2b71389db5535beddf9e608"
  # Schema 8: per-partner count of stale inbound items. The last before staff accounts (9).
  "schema-08 0befa084aea0d21528b6169d686c78986db53e2e"
  # Schema 9 (staff accounts), before encryption at rest: node key and reports in clear, no
  # passphrase. Not the last commit of schema 9 (schema-09 is): encryption at rest came without a
  # migration, so a schema 9 home is found in two forms.
  "plaintext 4d57b2f9215653c56521da66276784310b605b64"
  # Schema 9, after encryption at rest: node key and reports sealed under a passphrase.
  "schema-09 806c9548e37003b80af449a559b79f846b29fba8"
  # Schema 10: reports sealed; the last whose alerts, envelopes and names are in clear
  # (migrations 11 and 12 seal them).
  "schema-10 865c1b07ad2709cf18da2e26f73d12d567947057"
  # Schema 11: alerts, queued envelopes and retraction reasons sealed; keyed-hash search terms.
  "schema-11 6aa56e11fb8ef89435e4015b356a80e8595eefbe"
  # Schema 12: partner and staff names, endpoints, agreement terms and the audit log sealed.
  "schema-12 36902463f1d59a632f55e5125dbcc8d107171f97"
  # Schema 13: signed relay paths of held and queued alerts; rejected items counted by reason.
  "schema-13 02822098e959a45c7bbecc778d3ea40f9d2b1cc7"
  # Schema 14: one row per partner a received alert's copy came from, for merging copies.
  "schema-14 6e1e9e75fb109953eddb1b1f256041f77ddd659f"
  # Schema 15: amendments pending for agreements in force.
  "schema-15 1e5e1dfabaf3acbf55c8e09634c9a369df4af49a"
  # Schema 16: the node's own key log, in clear.
  "schema-16 cdf48e0bc9894e062529019285dd25945d13a807"
  # Schema 17: partners' key logs.
  "schema-17 d9c76bd1be47516d1976b8d34304c6045f924c6b"
  # Schema 18: bulletin subscribers; the newest when these fixtures were made.
  "schema-18 391b136c1e31611ba302cf0298a1346ae42fcfa7"
)

# The nodes started and the scratch directories made, ended and removed however the script ends.
pids=()
scratch=()
cleanup() {
  local p
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf ${scratch[@]+"${scratch[@]}"}
}
trap cleanup EXIT

make_one() {
  local name=$1 commit=$2
  local work
  work=$(mktemp -d)
  scratch+=("$work")
  # BDX_FIXTURE_BUILDS=DIR keeps each clone and its build in DIR/NAME, reused when run again.
  local src="${BDX_FIXTURE_BUILDS:-$work}/$name"
  if [ ! -f "$src/cli/target/bdx.jar" ]; then
    echo "== $name: building $commit" >&2
    rm -rf "$src"
    git clone -q "$root" "$src"
    git -C "$src" checkout -q "$commit"
    # Only the CLI and what it needs: the conformance tests make no home.
    (cd "$src" && ./mvnw -B -ntp -q -DskipTests -pl cli -am package >&2)
  fi
  [ "$(git -C "$src" rev-parse HEAD)" = "$commit" ] || { echo "$src is not $commit" >&2; return 1; }
  local jar="$src/cli/target/bdx.jar"
  bdx() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }

  local f="$work/fixture"
  mkdir -p "$f"
  local base=${BDX_FIXTURE_PORTS:-47410}
  local -A client=([east]=$base [north]=$((base + 2))) federation=([east]=$((base + 1)) [north]=$((base + 3)))
  # What this commit's CLI can do, asked of its own help. Early commits have no --help on
  # subcommands: they refuse it, printing the usage (the options they have) to stderr.
  local init_help status_help
  init_help=$(bdx init --help 2>&1 || true)
  status_help=$(bdx status --help 2>&1 || true)
  # Before encryption at rest there was no passphrase: such a fixture has no passphrase files.
  local -a secret=()
  if grep -q -- --passphrase-file <<<"$init_help"; then secret=(--passphrase-file); fi
  # Before federation a node had a client API only: no partners, agreements or feeds.
  local federates=false
  if grep -q -- --federation-listen <<<"$init_help"; then federates=true; fi
  # Before `bdx status`, a node answers when it lists its reports.
  local -a probe=(status)
  grep -q 'bdx status' <<<"$status_help" || probe=(report list)
  answers() { bdx "${probe[@]}" --home "$f/$1" >/dev/null 2>&1; }
  local org
  for org in east north; do
    [ ${#secret[@]} -eq 0 ] || (umask 077 && echo "$org upgrade fixture passphrase" >"$f/$org.passphrase")
    local -a listen=(--listen "127.0.0.1:${client[$org]}")
    if $federates; then listen+=(--federation-listen "127.0.0.1:${federation[$org]}"); fi
    bdx init --home "$f/$org" ${secret[@]+"${secret[@]}" "$f/$org.passphrase"} \
      --name "${org^} Outreach" --region CA --alert-days 3650 "${listen[@]}" >/dev/null
  done
  declare -A pid
  serve() {
    if answers "$1"; then
      echo "something already answers on $1's port; is an earlier run still going?" >&2
      return 1
    fi
    # java itself in the background, not the bdx function in a subshell: a kill of the
    # subshell would leave the node running, and the home would be packed while it writes.
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --home "$f/$1" \
      ${secret[@]+"${secret[@]}" "$f/$1.passphrase"} >"$work/$1.log" 2>&1 &
    pid[$1]=$!
    pids+=("$!")
    local i
    for i in $(seq 1 120); do
      answers "$1" && return 0
      sleep 1
    done
    echo "$1 did not start" >&2
    cat "$work/$1.log" >&2
    return 1
  }
  serve east
  serve north
  if $federates; then
    local other
    for org in east north; do
      other=$([ "$org" = east ] && echo north || echo east)
      bdx partner add --home "$f/$org" --name "$other" --class peer \
        --node-id "$(bdx id --home "$f/$other" --json | sed -En 's/.*"(node_id|nodeId)": *"([^"]*)".*/\2/p')" \
        --endpoint "127.0.0.1:${federation[$other]}" >/dev/null
    done
    local paths='["incident_date", "time_of_day", "area", "work_setting", "harms", "severity", "aggressor_description", "phone_numbers", "vehicle_plate"]'
    local direction='"all_harms": true, "all_areas": true, "retention_days": 3650, "field_paths": '"$paths"
    echo "{\"we_send\": {$direction}, \"we_receive\": {\"receiver_class\": \"PARTNER_CLASS_PEER\", $direction}}" \
      >"$work/terms.json"
    local agreement
    agreement=$(bdx agreement propose --home "$f/east" --partner north --terms "$work/terms.json" --json |
      grep -Eo '"(agreement_id|agreementId)": *"[^"]*"' | head -1 | sed -E 's/.*"([^"]*)"$/\1/')
    bdx agreement accept "$agreement" --home "$f/north" >/dev/null
  fi

  local day
  day=$(date -u -d '2 days ago' +%F)
  bdx report add --home "$f/east" --date "$day" --time night --area "Harbour" --setting outcall \
    --harm physical_assault --harm robbery --severity high --description "tall, grey beard" \
    --phone "604-555-0101" --narrative "East's first narrative" --contact "east-reporter-1" \
    --audience peer >/dev/null
  bdx report add --home "$f/east" --date "$day" --time evening --area "Old Town" --setting street \
    --harm threats --severity moderate --plate "ABC 123" --audience peer >/dev/null
  bdx report add --home "$f/north" --date "$day" --time morning --area "Riverside" --setting incall \
    --harm stalking --severity low --phone "604-555-0202" --audience peer >/dev/null

  held() { bdx alerts search --home "$f/$1" --json --limit 100 | grep -Eo '"(alert_id|alertId)"' | wc -l; }
  # With feeds each holds all three alerts; without, only its own.
  local -A expect=([east]=3 [north]=3)
  $federates || expect=([east]=2 [north]=1)
  local i
  for i in $(seq 1 120); do
    if [ "$(held east)" -ge "${expect[east]}" ] && [ "$(held north)" -ge "${expect[north]}" ]; then break; fi
    [ "$i" -lt 120 ] || { echo "the feeds did not deliver" >&2; return 1; }
    sleep 1
  done

  stop() {
    kill "${pid[$1]}"
    wait "${pid[$1]}" || true
    if answers "$1"; then
      echo "$1 still answers after it was stopped" >&2
      return 1
    fi
  }
  stop north
  bdx report add --home "$f/east" --date "$day" --area "Harbour" --harm refused_payment \
    --severity low --phone "604-555-0303" --audience peer >/dev/null
  stop east

  date -u +%s >"$f/made-at"
  echo "$commit" >"$f/commit"
  rm -f "$f"/*/serve.lock "$f"/*/*.log
  mkdir -p "$out"
  tar -C "$f" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" .
  echo "== $name: $(du -h "$out/$name.tar.gz" | cut -f1) in $out/$name.tar.gz" >&2
}

want=("$@")
for entry in "${fixtures[@]}"; do
  read -r name commit <<<"$entry"
  if [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" $name "* ]]; then
    make_one "$name" "$commit"
  fi
done
