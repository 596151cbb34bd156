#!/usr/bin/env bash
# Builds the broker's container image as an OCI image layout tarball, without a container engine:
# a Debian base made with mmdebstrap from Debian's packages (no registry is needed), and the
# broker's layers on it, put together with umoci. Prints the tarball's path.
#
#   build-image.sh --out FILE --classpath-file FILE --app-jar JAR --conf-dir DIR --version V
#                  [--revision R] [--cache DIR]
#
# Layers, from the least to the most often changed (a new build of the broker changes only the
# last, so a registry or a node that has the others pulls only it):
#   1. the base: Debian bookworm (essential packages), openjdk-17-jre-headless, ca-certificates,
#      the unprivileged user peyvand (uid and gid 10001) and its directories. Built once per
#      definition and kept in the cache (PEYVAND_IMAGE_CACHE, default ~/.cache/peyvand-image).
#   2. the libraries: every jar of the broker's runtime classpath that is not Peyvand's own, in
#      /opt/peyvand/lib.
#   3. the application: Peyvand's jars (broker, persistence, protocol) in /opt/peyvand/app, and the
#      deployable configurations (cluster-config/conf) in /etc/peyvand.
# Needs mmdebstrap and umoci (Debian packages of the same names), and root for mmdebstrap's root
# mode (a chroot), as in CI.
set -euo pipefail

out="" classpath_file="" app_jar="" conf_dir="" version="" revision="unknown"
cache="${PEYVAND_IMAGE_CACHE:-${HOME:-/root}/.cache/peyvand-image}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --classpath-file) classpath_file="$2"; shift 2 ;;
    --app-jar) app_jar="$2"; shift 2 ;;
    --conf-dir) conf_dir="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --revision) revision="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    *) echo "build-image.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for v in out classpath_file app_jar conf_dir version; do
  [ -n "${!v}" ] || { echo "build-image.sh: --${v//_/-} is required" >&2; exit 2; }
done
for tool in mmdebstrap umoci tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "build-image.sh: $tool is missing; install it: apt-get install mmdebstrap umoci" >&2
    exit 3
  }
done
[ -f "$app_jar" ] || { echo "build-image.sh: no $app_jar: build first (mvn package)" >&2; exit 2; }
[ -f "$classpath_file" ] || { echo "build-image.sh: no $classpath_file: build first" >&2; exit 2; }

# The image's fixed facts: its user, its ports (gRPC, HTTPS, Artery, Pekko Management), its paths.
USER_ID=10001
PORTS=(7400/tcp 7401/tcp 25520/tcp 7626/tcp)
SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,ca-certificates
# Reproducible layers: fixed owners, order and times.
EPOCH=1767225600 # 2026-01-01T00:00:00Z

mkdir -p "$cache" "$cache/debs" "$(dirname "$out")"
work=$(mktemp -d "${TMPDIR:-/tmp}/peyvand-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The base, once per definition (the line below and this script's base steps).
base_spec="$SUITE essential $PACKAGES user=$USER_ID v1"
base_key=$(printf '%s' "$base_spec" | sha256sum | cut -c1-16)
base="$cache/base-$base_key.tar"
if [ ! -f "$base" ]; then
  echo "Building the Debian base ($base_spec); it is kept in $base" >&2
  mmdebstrap --quiet --variant=essential --mode=root --include="$PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in $cache/debs /var/cache/apt/archives/" \
    --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
    --customize-hook="sync-out /var/cache/apt/archives $cache/debs" \
    --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*_Packages' \
    --customize-hook="echo 'peyvand:x:$USER_ID:$USER_ID:Peyvand broker:/var/lib/peyvand:/usr/sbin/nologin' >> \"\$1\"/etc/passwd" \
    --customize-hook="echo 'peyvand:x:$USER_ID:' >> \"\$1\"/etc/group" \
    --customize-hook="mkdir -p \"\$1\"/var/lib/peyvand \"\$1\"/opt/peyvand && chown $USER_ID:$USER_ID \"\$1\"/var/lib/peyvand" \
    --format=tar "$SUITE" "$base.partial"
  mv "$base.partial" "$base"
fi

# 2 and 3. The libraries and the application, as layer tarballs.
layer() { # layer NAME DIR: a reproducible tar of DIR's contents, owned by root
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
    -C "$2" -cf "$work/$1.tar" .
}
mkdir -p "$work/lib/opt/peyvand/lib" "$work/app/opt/peyvand/app" "$work/app/etc/peyvand"
tr ':' '\n' < "$classpath_file" | while read -r entry; do
  [ -n "$entry" ] || continue
  if [ -d "$entry" ]; then
    echo "build-image.sh: $entry is a directory: package the modules first (mvn package)" >&2
    exit 2
  fi
  case "$(basename "$entry")" in
    protocol-*.jar|persistence-*.jar) cp "$entry" "$work/app/opt/peyvand/app/" ;;
    *) cp "$entry" "$work/lib/opt/peyvand/lib/" ;;
  esac
done
cp "$app_jar" "$work/app/opt/peyvand/app/broker.jar"
cp -r "$conf_dir"/. "$work/app/etc/peyvand/"
chmod -R a+rX,go-w "$work/lib" "$work/app"
layer libraries "$work/lib"
layer application "$work/app"

# The image: layers appended in order, then its configuration.
oci="$work/oci"
created=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
umoci init --layout "$oci"
umoci new --image "$oci:$version"
umoci raw add-layer --image "$oci:$version" --history.created "$created" \
  --history.created_by "mmdebstrap $base_spec" "$base"
umoci raw add-layer --image "$oci:$version" --history.created "$created" \
  --history.created_by "the broker's libraries" "$work/libraries.tar"
umoci raw add-layer --image "$oci:$version" --history.created "$created" \
  --history.created_by "Peyvand $version ($revision)" "$work/application.tar"
config=(--image "$oci:$version" --no-history --created "$created" --os linux --architecture amd64
  --config.user "$USER_ID:$USER_ID" --config.workingdir /var/lib/peyvand
  --config.env "LANG=C.UTF-8"
  # Heap from the container's memory limit, not the host's: 75% of it, the rest for direct
  # buffers, metaspace and threads; an out-of-memory error ends the process (the orchestrator
  # restarts it) rather than leaving a node half alive.
  --config.entrypoint java
  --config.entrypoint -XX:MaxRAMPercentage=75
  --config.entrypoint -XX:InitialRAMPercentage=75
  --config.entrypoint -XX:+ExitOnOutOfMemoryError
  --config.entrypoint -Dpeyvand.home=/var/lib/peyvand
  --config.entrypoint -cp
  --config.entrypoint '/opt/peyvand/app/*:/opt/peyvand/lib/*'
  --config.entrypoint io.peyvand.broker.Main
  --config.cmd run --config.cmd --config --config.cmd /etc/peyvand/production.conf
  --config.label "org.opencontainers.image.title=Peyvand broker"
  --config.label "org.opencontainers.image.description=Interconnection broker between messaging platforms"
  --config.label "org.opencontainers.image.version=$version"
  --config.label "org.opencontainers.image.revision=$revision"
  --config.label "org.opencontainers.image.created=$created"
  --config.label "org.opencontainers.image.base.name=debian:$SUITE (mmdebstrap $PACKAGES)"
  --config.label "io.peyvand.ports=grpc 7400, https 7401, artery 25520, management 7626")
for port in "${PORTS[@]}"; do config+=(--config.exposedports "$port"); done
umoci config "${config[@]}"
umoci gc --layout "$oci"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" -C "$oci" -cf "$out.partial" .
mv "$out.partial" "$out"
echo "$out"
