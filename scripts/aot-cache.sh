# Sourced by ./bdx and scripts/package: makes the start-up cache (a JDK 25 AOT cache, JEP 483/514:
# classes already read, parsed and linked, and method profiles) by starting a throwaway node once.
# The cache belongs to one jar and one exact JDK build; the JVM checks both and, with a cache
# that does not match, starts normally without it, so a stale cache costs time, never a failure.

# bdx_aot_train OUTPUT COMMAND...: COMMAND runs bdx (e.g. the jpackage launcher, or java -jar).
# Returns 0 with OUTPUT written, or 1 with a warning and nothing written. With
# BDX_AOT_CLIENT_OUTPUT set, also writes there a second cache for the other commands, from the
# client call made to the node: a cache is loaded whole at start, and the node's thousands of
# classes would slow a command that needs a third of them.
bdx_aot_train() {
  local output=$1
  shift
  local tmp pid line ready="" client fed
  tmp=$(mktemp -d)
  # Random ports high up: a port that happens to be taken only means no cache this time.
  client=$((20000 + RANDOM % 20000))
  fed=$((client + 1))
  printf 'start-up cache training only\n' >"$tmp/passphrase"
  chmod 600 "$tmp/passphrase"
  if ! "$@" init --home "$tmp/home" --passphrase-file "$tmp/passphrase" --name "Cache" \
      --region CA --listen "127.0.0.1:$client" --federation-listen "127.0.0.1:$fed" \
      >"$tmp/init.log" 2>&1; then
    echo "bdx: no start-up cache (bdx init failed: $(tail -n 1 "$tmp/init.log"))" >&2
    rm -rf "$tmp"
    return 1
  fi
  mkfifo "$tmp/out"
  # Two steps, so that no separate `java` program is needed (the package's runtime has none):
  # this run records what it loads and runs until the node stops (SIGTERM), then a second start
  # in create mode turns the record into the cache and exits.
  JAVA_TOOL_OPTIONS="-XX:AOTMode=record -XX:AOTConfiguration=$tmp/bdx.aotconf" "$@" serve --home "$tmp/home" \
    --passphrase-file "$tmp/passphrase" --console-listen 127.0.0.1:0 >"$tmp/out" 2>&1 &
  pid=$!
  exec 9<"$tmp/out"
  while IFS= read -r -t 120 line <&9; do
    case $line in
      *"staff console is at"*) ready=yes; break ;;
    esac
  done
  if [ -n "$ready" ]; then
    cat <&9 >/dev/null &
    # One client call, so the node's request path is in the cache too.
    if [ -n "${BDX_AOT_CLIENT_OUTPUT:-}" ]; then
      JAVA_TOOL_OPTIONS="-XX:AOTMode=record -XX:AOTConfiguration=$tmp/client.aotconf" \
        "$@" status --home "$tmp/home" >/dev/null 2>&1 || true
    else
      "$@" status --home "$tmp/home" >/dev/null 2>&1 || true
    fi
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exec 9<&-
  if [ -n "$ready" ] && [ -s "$tmp/bdx.aotconf" ]; then
    JAVA_TOOL_OPTIONS="-XX:AOTMode=create -XX:AOTConfiguration=$tmp/bdx.aotconf -XX:AOTCache=$output.$$.tmp" \
      "$@" --version >"$tmp/create.log" 2>&1 || true
    if [ -n "${BDX_AOT_CLIENT_OUTPUT:-}" ] && [ -s "$tmp/client.aotconf" ]; then
      JAVA_TOOL_OPTIONS="-XX:AOTMode=create -XX:AOTConfiguration=$tmp/client.aotconf -XX:AOTCache=$BDX_AOT_CLIENT_OUTPUT.$$.tmp" \
        "$@" --version >"$tmp/create-client.log" 2>&1 || true
      if [ -s "$BDX_AOT_CLIENT_OUTPUT.$$.tmp" ]; then
        mv -f "$BDX_AOT_CLIENT_OUTPUT.$$.tmp" "$BDX_AOT_CLIENT_OUTPUT"
      fi
    fi
  fi
  rm -rf "$tmp"
  if [ -s "$output.$$.tmp" ]; then
    # Renamed when whole: two launchers racing each write their own and the last one wins.
    mv -f "$output.$$.tmp" "$output"
    return 0
  fi
  rm -f "$output.$$.tmp"
  echo "bdx: no start-up cache (the training node did not start); bdx works without it" >&2
  return 1
}
