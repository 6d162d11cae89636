#!/usr/bin/env bash
# Installs the Debian packages Sanhui needs (only those missing), then
# configures and builds. Idempotent: run it as often as you like.
# Usage: tools/setup.sh [BUILD_DIR] [extra meson options...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true

packages=(
  meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libssl-dev
  libnice-dev libsrtp2-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-nice gstreamer1.0-tools
  # The recorder: H.264/AAC for the MP4 composite, text on its tiles in Chinese.
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x fonts-noto-cjk
  tzdata ca-certificates
)
if [ "${SANHUI_WITH_TEST_TOOLS:-0}" = 1 ]; then
  packages+=(chromium coturn ffmpeg)
  # Interop peers for the echo service (tests/interop): aiortc with aiohttp
  # for its signaling; webrtcbin comes with gstreamer1.0-plugins-bad above.
  packages+=(python3-aiortc python3-aiohttp)
  # Node.js may come from elsewhere (it bundles npm then, and Debian's npm
  # package would conflict with it): install Debian's only when absent.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$@"
fi
ninja -C "$build_dir"
