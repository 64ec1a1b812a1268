# Sourced by ./persona and ./run-tests: finds a JDK new enough for netpersona.
# Prints nothing on success; sets NETPERSONA_JAVA_HOME. On failure prints what it looked at and returns 1.
# NETPERSONA_JDK_SEARCH (folders separated by ':') replaces the usual JVM folders, for JDKs kept elsewhere.
NETPERSONA_MIN_JDK=25

# Major version of the JDK at $1, from its `release` file (no JVM start), or 0.
netpersona_jdk_major() {
  local release="$1/release" v
  [ -x "$1/bin/java" ] || { echo 0; return; }
  [ -x "$1/bin/javac" ] || { echo 0; return; }
  if [ -r "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" | head -n 1)
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "${v:-0}"
}

netpersona_find_jdk() {
  local candidates=() dir major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local search=()
  if [ -n "${NETPERSONA_JDK_SEARCH:-}" ]; then
    local IFS=:
    for dir in $NETPERSONA_JDK_SEARCH; do search+=("$dir" "$dir"/*); done
    unset IFS
  else
    search=(/usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk*
            "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
  fi
  for dir in "${search[@]}"; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  # JAVA_HOME wins when it is new enough; otherwise the newest suitable JDK found.
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(netpersona_jdk_major "$JAVA_HOME")
    if [ "$major" -ge "$NETPERSONA_MIN_JDK" ]; then
      NETPERSONA_JAVA_HOME="$JAVA_HOME"
      return 0
    fi
  fi
  for dir in "${candidates[@]}"; do
    major=$(netpersona_jdk_major "$dir")
    if [ "$major" -ge "$NETPERSONA_MIN_JDK" ] && [ "$major" -gt "$best_major" ]; then
      best="$dir"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "netpersona needs a JDK $NETPERSONA_MIN_JDK or newer and found none." >&2
    echo "Looked at JAVA_HOME (${JAVA_HOME:-unset}) and: ${candidates[*]:-no JVM folders}" >&2
    echo "Install one (for example Temurin 25) or set JAVA_HOME to it." >&2
    return 1
  fi
  NETPERSONA_JAVA_HOME="$best"
}
