# Shared by the sample scripts: record each call, start and stop the sample web server.
# SAFEUSERVAR is the module's variable directory, set by keel for every script.
record() {
  echo "$(basename "$0") $*" >> "$SAFEUSERVAR/scripts.log"
}

app_pid() {
  [ -f "$SAFEUSERVAR/app.pid" ] && cat "$SAFEUSERVAR/app.pid"
}

start_app() {
  # Each request appends a line to $DATA/hits and fsyncs it: on the primary, the write returns once
  # the secondary has it, so the count survives a failover.
  nohup node -e '
    const fs = require("fs");
    const node = process.env.KEEL_NODE || require("os").hostname();
    const hits = require("path").join(process.env.DATA, "hits");
    require("http").createServer((q, s) => {
      const fd = fs.openSync(hits, "a");
      fs.writeSync(fd, `${node} ${new Date().toISOString()}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      const n = fs.readFileSync(hits, "utf8").split("\n").length - 1;
      s.end(`hello from ${node} (hit ${n})\n`);
    }).listen(Number(process.env.PORT || 8080));
  ' >> "$SAFEUSERVAR/app.log" 2>&1 &
  echo $! > "$SAFEUSERVAR/app.pid"
}

stop_app() { # $1: signal
  pid=$(app_pid)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "-$1" "$pid"; fi
  rm -f "$SAFEUSERVAR/app.pid"
}
