# Shared by the HTTP benchmarks: builds the release binary and starts, side by
# side, the floor (a minimal Hummingbird route, `gongzhi bench-floor`) on
# $floor_port and the product with its demo data on $server_port, in a
# temporary directory that is removed, with both processes, on exit.
# Sets: bin, dir, floor, server. Source it after setting root, floor_port, server_port.
cd "$root"
swift build -c release --product gongzhi >/dev/null
bin="$root/.build/release/gongzhi"
dir=$(mktemp -d)
trap 'kill $floor $server 2>/dev/null || true; rm -rf "$dir"' EXIT

"$bin" bench-floor --port "$floor_port" > "$dir/floor.log" 2>&1 &
floor=$!
(cd "$dir" && exec env GONGZHI_LOG_LEVEL=warning "$bin" serve --demo --port "$server_port" --database-url "$dir/bench.sqlite" > "$dir/server.log" 2>&1) &
server=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$server_port/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$floor_port/floor" >/dev/null 2>&1 && break
  sleep 0.2
done
