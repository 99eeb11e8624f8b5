# Sourced by ./bdx, scripts/test, scripts/package and .ci/run: picks a JDK >= 21 (or the
# feature version given as the first argument) and exports JAVA_HOME.
# Order: an already-set JAVA_HOME that is new enough, the `java` on PATH, then known install paths.

bdx_java_major() {
  # Prints the feature version of the given java binary (17, 21, 25, ...), or nothing. Read from
  # the JDK's release file where there is one: starting a JVM only to ask would add its whole
  # start-up time to every bdx command.
  local release
  release="$(dirname "$(readlink -f "$1")")/../release"
  if [ -f "$release" ] && grep -q '^JAVA_VERSION="[0-9]' "$release"; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1
    return
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

bdx_select_java() {
  local candidate major minimum=${1:-21}
  for candidate in \
      "${JAVA_HOME:+$JAVA_HOME/bin/java}" \
      "$(command -v java 2>/dev/null)" \
      /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
      /usr/lib/jvm/temurin-21-jdk-amd64/bin/java \
      /usr/lib/jvm/java-25-openjdk-amd64/bin/java \
      /usr/lib/jvm/java-21-openjdk-amd64/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major=$(bdx_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$minimum" ]; then
      JAVA_HOME=$(cd "$(dirname "$candidate")/.." && pwd -P)
      export JAVA_HOME
      return 0
    fi
  done
  echo "bdx: no JDK $minimum or newer found. Install one (e.g. apt-get install openjdk-$minimum-jdk-headless)" >&2
  echo "     or set JAVA_HOME to it." >&2
  return 1
}
