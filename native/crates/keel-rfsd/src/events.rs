//! What the daemon tells its controller (apps/rfs): one JSON object per line on stdout.
//! Human-readable diagnostics go to stderr.

use crate::stats::Stats;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Events {
    out: Arc<Mutex<()>>,
    /// The replication's counters, reported as `stats` events (crate::stats).
    stats: Arc<Stats>,
}

impl Events {
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    pub fn stats_arc(&self) -> Arc<Stats> {
        self.stats.clone()
    }
    pub fn emit(&self, event: &str, mut fields: Value) {
        let _guard = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Value::Object(m) = &mut fields {
            m.insert("event".into(), Value::String(event.into()));
        }
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{fields}");
        let _ = stdout.flush();
    }

    pub fn mounted(&self, dirs: &[String]) {
        self.emit("mounted", json!({ "dirs": dirs }));
    }
    pub fn connected(&self, peer: &str) {
        self.emit("connected", json!({ "peer": peer }));
    }
    pub fn reintegration(&self, full: bool) {
        self.emit("reintegration", json!({ "full": full }));
    }
    pub fn synced(&self, files: u64, bytes: u64, ms: u128) {
        self.emit(
            "synced",
            json!({ "files": files, "bytes": bytes, "ms": ms as u64 }),
        );
    }
    pub fn link_lost(&self, reason: &str) {
        self.emit("link-lost", json!({ "reason": reason }));
    }
    /// This secondary acknowledged a change it then could not apply: its copy is behind.
    pub fn behind(&self, reason: &str) {
        self.emit("behind", json!({ "reason": reason }));
    }
    /// The primary stopped cleanly (this copy holds everything it acknowledged).
    pub fn primary_stopped(&self) {
        self.emit("primary-stopped", json!({}));
    }
    /// `rfsverify` on a secondary: an entry of its copy that differs from the primary's.
    pub fn verify_diff(&self, dir: u8, path: &str, kind: &str, differs: &[&str], errno: i32) {
        let mut f = json!({ "dir": dir, "path": path, "kind": kind, "differs": differs });
        if errno != 0 {
            f["errno"] = json!(errno);
        }
        self.emit("verify-diff", f);
    }
    /// `rfsverify` ended: entries compared, how many differ, whether the whole tree was.
    pub fn verified(&self, files: u64, differ: u64, complete: bool, reason: Option<&str>) {
        let mut f = json!({ "files": files, "differ": differ, "complete": complete });
        if let Some(r) = reason {
            f["reason"] = json!(r);
        }
        self.emit("verified", f);
    }
    /// `rfsdiff` on a primary: what a reintegration would send now (crate::diff).
    pub fn diff(&self, d: &crate::diff::Estimate) {
        self.emit("diff", d.to_json());
    }
    /// A request of the control pipe this daemon cannot serve (crate::control).
    pub fn refused(&self, request: &str, reason: &str) {
        self.emit("refused", json!({ "request": request, "reason": reason }));
    }
    /// Bytes of frames sent and received on the links, cumulative (crate::net).
    pub fn net(&self, out_bytes: u64, in_bytes: u64) {
        self.emit("net", json!({ "out_bytes": out_bytes, "in_bytes": in_bytes }));
    }
    pub fn error(&self, message: &str) {
        self.emit("error", json!({ "message": message }));
    }
}
