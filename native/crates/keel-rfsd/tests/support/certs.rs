//! Certificates for the link's TLS, made as keel's PKI makes them (libs/config pki.ts): an ECDSA
//! P-256 cluster CA and node certificates for 127.0.0.1, by the openssl program.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const EC: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
];

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl program");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cluster CA in `dir` (ca.crt, ca.key).
pub struct Ca {
    pub dir: PathBuf,
}

impl Ca {
    pub fn new(dir: &Path, name: &str) -> Ca {
        fs::create_dir_all(dir).unwrap();
        let s = |f: &str| dir.join(f).to_str().unwrap().to_string();
        let mut args = vec!["req", "-x509"];
        args.extend(EC);
        let (key, crt, subject) = (s("ca.key"), s("ca.crt"), format!("/O=keel/CN={name}"));
        args.extend([
            "-keyout",
            &key,
            "-out",
            &crt,
            "-days",
            "2",
            "-subj",
            &subject,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(&args);
        Ca {
            dir: dir.to_path_buf(),
        }
    }

    pub fn crt(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// A node certificate for `ip` in `dir` (server.crt, server.key mode 0600); returns the three
    /// `--tls-*` arguments with this CA.
    pub fn node(&self, dir: &Path, node: &str, ip: &str) -> Vec<String> {
        fs::create_dir_all(dir).unwrap();
        let s = |f: &str| dir.join(f).to_str().unwrap().to_string();
        fs::write(
            dir.join("ext.cnf"),
            format!(
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
                 extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:{ip}\n"
            ),
        )
        .unwrap();
        let (key, csr, crt, subject) = (
            s("server.key"),
            s("server.csr"),
            s("server.crt"),
            format!("/O=keel/CN={node}"),
        );
        let mut args = vec!["req", "-new"];
        args.extend(EC);
        args.extend(["-keyout", &key, "-out", &csr, "-subj", &subject]);
        openssl(&args);
        let (ca_crt, ca_key, ext) = (
            self.crt().to_str().unwrap().to_string(),
            self.dir.join("ca.key").to_str().unwrap().to_string(),
            s("ext.cnf"),
        );
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_crt,
            "-CAkey",
            &ca_key,
            "-set_serial",
            "0x1234",
            "-days",
            "2",
            "-extfile",
            &ext,
            "-out",
            &crt,
        ]);
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
        [
            "--tls-ca".into(),
            ca_crt,
            "--tls-cert".into(),
            crt,
            "--tls-key".into(),
            key,
        ]
        .to_vec()
    }
}
