//! Instructors' signatures on their notes, so that a trainee cannot write an override grade
//! "by M. Costa" into their own file.
//!
//! Each instructor has an Ed25519 key, made on first use in the data folder (`keys/`, the secret
//! readable by its owner only). A comment or override grade is signed over the attempt's
//! content hash (the file without its review section: the note cannot be moved to another
//! attempt, nor the work changed under it) and the note's own fields. An academy lists its
//! instructors' public keys in a trusted-keys file; a signature counts as the named instructor's
//! only when it holds and its key is listed there. The name shown is the list's, not the
//! note's.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::files::{self, FileError, FileKind};
use crate::notes::{Comment, OverrideGrade, Signature};

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// A key file does not hold a key.
    #[error("{}: not an instructor key", .0.display())]
    Malformed(PathBuf),
    /// The system gave no randomness for a new key.
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

/// An instructor's signing key.
pub struct InstructorKey {
    key: SigningKey,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl InstructorKey {
    /// The key kept in `dir` (normally `keys/` in the data folder), made there on first use.
    pub fn load_or_create(dir: &Path) -> Result<InstructorKey, KeyError> {
        let path = dir.join("instructor.key");
        if path.exists() {
            let text = files::read_bounded(&path, FileKind::Keys)?;
            let bytes = unhex::<32>(text.trim()).ok_or(KeyError::Malformed(path))?;
            return Ok(InstructorKey {
                key: SigningKey::from_bytes(&bytes),
            });
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
        let key = InstructorKey {
            key: SigningKey::from_bytes(&secret),
        };
        std::fs::create_dir_all(dir).map_err(|source| FileError::Write {
            path: dir.into(),
            source,
        })?;
        files::write_privately(&path, format!("{}\n", hex(&secret)).as_bytes())?;
        files::write_atomically(
            &dir.join("instructor.pub"),
            format!("{}\n", key.public()).as_bytes(),
        )?;
        Ok(key)
    }

    /// A key from 32 secret bytes (for tests and tools).
    pub fn from_secret(secret: [u8; 32]) -> InstructorKey {
        InstructorKey {
            key: SigningKey::from_bytes(&secret),
        }
    }

    /// The public half, as written in trusted-keys files: `ed25519:` and 64 hex digits.
    pub fn public(&self) -> String {
        format!("ed25519:{}", hex(self.key.verifying_key().as_bytes()))
    }

    fn sign(&self, message: &[u8]) -> Signature {
        Signature {
            key: self.public(),
            sig: hex(&self.key.sign(message).to_bytes()),
        }
    }

    /// `comment` signed for the attempt whose content hash is `content_hash`.
    pub fn sign_comment(&self, content_hash: &str, comment: &Comment) -> Signature {
        self.sign(&comment_message(content_hash, comment))
    }

    /// `grade` signed for the attempt whose content hash is `content_hash`.
    pub fn sign_override(&self, content_hash: &str, grade: &OverrideGrade) -> Signature {
        self.sign(&override_message(content_hash, grade))
    }
}

/// What is signed for a comment: its kind, the attempt's content hash and every field.
fn comment_message(content_hash: &str, c: &Comment) -> Vec<u8> {
    #[derive(Serialize)]
    struct Signed<'a> {
        what: &'static str,
        attempt: &'a str,
        author: &'a str,
        date: &'a str,
        pin: &'a crate::notes::Pin,
        text: &'a str,
    }
    serde_json::to_vec(&Signed {
        what: "smp-trainer comment v1",
        attempt: content_hash,
        author: &c.author,
        date: &c.date,
        pin: &c.pin,
        text: &c.text,
    })
    .unwrap_or_default()
}

/// What is signed for an override grade.
fn override_message(content_hash: &str, g: &OverrideGrade) -> Vec<u8> {
    #[derive(Serialize)]
    struct Signed<'a> {
        what: &'static str,
        attempt: &'a str,
        total: f64,
        passed: bool,
        reason: &'a str,
        instructor: &'a str,
        date: &'a str,
    }
    serde_json::to_vec(&Signed {
        what: "smp-trainer override v1",
        attempt: content_hash,
        total: g.total,
        passed: g.passed,
        reason: &g.reason,
        instructor: &g.instructor,
        date: &g.date,
    })
    .unwrap_or_default()
}

/// One instructor an academy trusts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    /// The instructor's name, as it is shown for their signatures.
    pub name: String,
    /// Their public key: `ed25519:` and 64 hex digits.
    pub key: String,
}

/// The instructors an academy trusts: a RON list of `(name: "…", key: "ed25519:…")`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrustedKeys {
    /// The instructors.
    pub keys: Vec<TrustedKey>,
}

impl TrustedKeys {
    /// The trusted-keys file at `path`: every key well formed, every name plain text.
    pub fn load(path: &Path) -> Result<TrustedKeys, FileError> {
        let text = files::read_bounded(path, FileKind::Keys)?;
        let keys: TrustedKeys = files::parse_ron(path, &text)?;
        for (i, k) in keys.keys.iter().enumerate() {
            let key_ok = k
                .key
                .strip_prefix("ed25519:")
                .and_then(unhex::<32>)
                .is_some();
            let name_ok = !k.name.trim().is_empty()
                && k.name.chars().count() <= 200
                && !crate::text::has_control(&k.name, false);
            if !key_ok || !name_ok {
                return Err(FileError::Invalid {
                    path: path.into(),
                    location: files::locate_field(&text, "key"),
                    message: format!(
                        "entry {}: a name (1–200 characters) and an ed25519: key of 64 hex digits",
                        i + 1
                    ),
                });
            }
        }
        Ok(keys)
    }

    /// The trusted keys in `path` if given, else in the data folder's `trusted-keys.ron` (none
    /// when that file does not exist).
    pub fn load_or_default(path: Option<&Path>) -> Result<TrustedKeys, FileError> {
        match path {
            Some(p) => Self::load(p),
            None => {
                let p = files::data_dir().join("trusted-keys.ron");
                if p.exists() {
                    Self::load(&p)
                } else {
                    Ok(TrustedKeys::default())
                }
            }
        }
    }

    fn name_of(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.key.eq_ignore_ascii_case(key))
            .map(|k| k.name.as_str())
    }
}

/// What a note's signature says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// It holds, by a trusted instructor: their name from the trusted-keys file.
    Signed(String),
    /// No signature.
    Unsigned,
    /// It holds, but the key is not in the trusted-keys file.
    Untrusted(String),
    /// It does not hold: the note, the attempt or the signature was changed.
    Broken,
}

impl SignatureCheck {
    /// Whether the note counts as its instructor's.
    pub fn is_trusted(&self) -> bool {
        matches!(self, SignatureCheck::Signed(_))
    }

    /// In words: `signed by NAME`, `UNSIGNED`, `UNTRUSTED KEY`, `BROKEN SIGNATURE`.
    pub fn describe(&self) -> String {
        match self {
            SignatureCheck::Signed(name) => {
                format!("signed by {}", crate::text::for_terminal(name))
            }
            SignatureCheck::Unsigned => "UNSIGNED".into(),
            SignatureCheck::Untrusted(key) => format!(
                "UNTRUSTED KEY {}…",
                crate::text::for_terminal(key.get(..20).unwrap_or(key))
            ),
            SignatureCheck::Broken => "BROKEN SIGNATURE".into(),
        }
    }
}

fn check(message: &[u8], sig: Option<&Signature>, trusted: &TrustedKeys) -> SignatureCheck {
    let Some(sig) = sig else {
        return SignatureCheck::Unsigned;
    };
    let key = sig
        .key
        .strip_prefix("ed25519:")
        .and_then(unhex::<32>)
        .and_then(|k| VerifyingKey::from_bytes(&k).ok());
    let signature = unhex::<64>(&sig.sig).map(|s| ed25519_dalek::Signature::from_bytes(&s));
    let holds = matches!((key, signature), (Some(k), Some(s)) if k.verify(message, &s).is_ok());
    match (holds, trusted.name_of(&sig.key)) {
        (false, _) => SignatureCheck::Broken,
        (true, Some(name)) => SignatureCheck::Signed(name.to_string()),
        (true, None) => SignatureCheck::Untrusted(sig.key.clone()),
    }
}

/// The check of `comment`'s signature for the attempt of `content_hash`.
pub fn check_comment(content_hash: &str, c: &Comment, trusted: &TrustedKeys) -> SignatureCheck {
    check(
        &comment_message(content_hash, c),
        c.signature.as_ref(),
        trusted,
    )
}

/// The check of `grade`'s signature for the attempt of `content_hash`.
pub fn check_override(
    content_hash: &str,
    g: &OverrideGrade,
    trusted: &TrustedKeys,
) -> SignatureCheck {
    check(
        &override_message(content_hash, g),
        g.signature.as_ref(),
        trusted,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::Pin;

    use crate::notes::tests::example_override as grade;

    #[test]
    fn only_a_trusted_intact_signature_counts() {
        let costa = InstructorKey::from_secret([7; 32]);
        let trainee = InstructorKey::from_secret([9; 32]);
        let trusted = TrustedKeys {
            keys: vec![TrustedKey {
                name: "M. Costa".into(),
                key: costa.public(),
            }],
        };
        let hash = "sha256:abc";
        let mut g = grade();
        assert_eq!(check_override(hash, &g, &trusted), SignatureCheck::Unsigned);
        g.signature = Some(costa.sign_override(hash, &g));
        assert_eq!(
            check_override(hash, &g, &trusted),
            SignatureCheck::Signed("M. Costa".into())
        );
        // Another attempt, or a changed grade: broken.
        assert_eq!(
            check_override("sha256:abd", &g, &trusted),
            SignatureCheck::Broken
        );
        let mut raised = g.clone();
        raised.total = 95.0;
        assert_eq!(
            check_override(hash, &raised, &trusted),
            SignatureCheck::Broken
        );
        // The trainee's own key, however the grade is named: not trusted.
        let mut forged = grade();
        forged.signature = Some(trainee.sign_override(hash, &forged));
        assert!(matches!(
            check_override(hash, &forged, &trusted),
            SignatureCheck::Untrusted(_)
        ));
        let c = Comment {
            author: "M. Costa".into(),
            date: "2026-11-21".into(),
            pin: Pin::Attempt,
            text: "good".into(),
            signature: None,
        };
        let signed = Comment {
            signature: Some(costa.sign_comment(hash, &c)),
            ..c
        };
        assert!(check_comment(hash, &signed, &trusted).is_trusted());
    }

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("smp-keys-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = InstructorKey::load_or_create(&dir).unwrap();
        let b = InstructorKey::load_or_create(&dir).unwrap();
        assert_eq!(a.public(), b.public());
        assert!(a.public().starts_with("ed25519:") && a.public().len() == 72);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("instructor.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let pubfile = std::fs::read_to_string(dir.join("instructor.pub")).unwrap();
        assert_eq!(pubfile.trim(), a.public());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
