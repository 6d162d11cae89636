#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running server with the demo
# organization in a new SQLite file. Prints the URL and the demo logins.
# Usage: tools/demo.sh [--port PORT]
set -euo pipefail
cd "$(dirname "$0")/.."

port=8080
if [ "${1:-}" = --port ] && [ -n "${2:-}" ]; then port=$2; fi

bash tools/setup.sh build
data_dir=data/demo
rm -rf "$data_dir"
./build/signaling/sanhui --set storage.data_dir="$data_dir" demo
echo
echo "打开浏览器访问下面的地址，用上面的演示账号登录 / Open the URL below and log in with a demo login:"
exec ./build/signaling/sanhui --set storage.data_dir="$data_dir" --set server.port="$port" \
  --set server.web_root="$PWD/web" serve
