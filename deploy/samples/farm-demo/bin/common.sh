# Shared by the farm sample's scripts: record each call, start and stop the sample web server,
# which runs on every UP node and says which node answered (the client sees the load sharing).
# SAFEUSERVAR is the module's variable directory, set by keel for every script.
record() {
  echo "$(basename "$0") $*" >> "$SAFEUSERVAR/scripts.log"
}

app_pid() {
  [ -f "$SAFEUSERVAR/app.pid" ] && cat "$SAFEUSERVAR/app.pid"
}

start_app() {
  nohup node -e '
    const node = process.env.KEEL_NODE || require("os").hostname();
    require("http").createServer((q, s) => {
      s.setHeader("connection", "close");
      s.end(`hello from ${node}\n`);
    }).listen(Number(process.env.PORT || 8080));
  ' >> "$SAFEUSERVAR/app.log" 2>&1 &
  echo $! > "$SAFEUSERVAR/app.pid"
}

stop_app() { # $1: signal
  pid=$(app_pid)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "-$1" "$pid"; fi
  rm -f "$SAFEUSERVAR/app.pid"
}
