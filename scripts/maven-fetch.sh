#!/usr/bin/env bash
# Puts every artifact the Java client's build uses (clients/java/maven.lock: sha256 and path
# under Maven Central) into the local Maven repository, each checked against its pinned
# sha256; clients/java/.mvn/maven.config then keeps Maven offline, so a build can only use
# these. An artifact already present is re-checked, and fetched again if it differs.
# Called by scripts/client-tools.sh. After changing clients/java/pom.xml, regenerate the lock:
#   mvn -B -Dmaven.repo.local=/tmp/m2 -Dmaven.test.failure.ignore=true verify \
#     dependency:build-classpath -Dmdep.outputFile=/dev/null   # online, in clients/java
#   (cd /tmp/m2 && find . -type f \( -name '*.jar' -o -name '*.pom' -o -name '*.exe' \) \
#     | sed 's|^\./||' | sort | xargs sha256sum) > clients/java/maven.lock
set -euo pipefail

lock="$(dirname "$0")/../clients/java/maven.lock"
repo="${MAVEN_REPOSITORY:-$HOME/.m2/repository}"
central="${MAVEN_CENTRAL:-https://repo.maven.apache.org/maven2}"

fetched=0
while read -r sum path; do
  target="$repo/$path"
  if [ -f "$target" ] && echo "$sum  $target" | sha256sum -c --status; then
    continue
  fi
  mkdir -p "$(dirname "$target")"
  curl -fsSL --retry 3 -o "$target.part" "$central/$path"
  if ! echo "$sum  $target.part" | sha256sum -c --status; then
    rm -f "$target.part"
    echo "maven-fetch: $path does not match its pinned sha256" >&2
    exit 1
  fi
  mv "$target.part" "$target"
  fetched=$((fetched + 1))
done < "$lock"
echo "maven-fetch: $(wc -l < "$lock") artifacts pinned, $fetched fetched"
