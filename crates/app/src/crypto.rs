//! Secrets: password hashing (argon2id), the platform key that seals personal
//! data and TOTP secrets at rest (XChaCha20-Poly1305), and session tokens.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Fills a buffer from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source is available");
    b
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's baseline).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("密码哈希失败：{e}")))
}

/// Verifies in constant time for the hash; false for any malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that the answer
/// takes as long for an unknown name as for a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").expect("hashing works"))
}

/// A new session or API token: 256 random bits, URL-safe.
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable one-time password for a new or reset account: 12 characters
/// from an alphabet without look-alikes, always with all four kinds.
pub fn temporary_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"@#%+=";
    let r = random_bytes::<12>();
    let sets = [LOWER, UPPER, DIGIT, OTHER];
    r.iter()
        .enumerate()
        .map(|(i, b)| {
            let set = if i < 4 { sets[i] } else { sets[(*b as usize) % 3] };
            set[(*b as usize) % set.len()] as char
        })
        .collect()
}

/// The platform key: seals what must be encrypted at rest, and gives keyed
/// hashes for finding a sealed value without decrypting every row.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    lookup_key: [u8; 32],
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(…)")
    }
}

const SEALED_PREFIX: &str = "v1:";

impl Sealer {
    pub fn from_key(key: [u8; 32]) -> Self {
        // A separate key for lookups, derived so that the hash reveals nothing
        // about the sealing key.
        let lookup_key: [u8; 32] = hmac_sha256(&key, b"spotcheck lookup key v1");
        Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
            lookup_key,
        }
    }

    /// HMAC-SHA-256 of a value under the lookup key, hex: equal values give
    /// equal hashes, so an exact search needs no decryption, and without the
    /// key the hash cannot be reversed by trying every 身份证号.
    pub fn lookup_hash(&self, value: &str) -> String {
        hex::encode(hmac_sha256(&self.lookup_key, value.as_bytes()))
    }

    /// Reads the key file (base64 of 32 bytes), creating it with a fresh key
    /// and owner-only permissions when absent.
    pub fn load_or_create(path: &Path) -> Result<Self, AppError> {
        if path.exists() {
            return Self::load(path);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::Internal(format!("无法创建目录 {}：{e}", dir.display())))?;
        }
        let key = random_bytes::<32>();
        write_private(path, &format!("{}\n", STANDARD.encode(key)))
            .map_err(|e| AppError::Internal(format!("无法写入密钥文件 {}：{e}", path.display())))?;
        Ok(Self::from_key(key))
    }

    pub fn load(path: &Path) -> Result<Self, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Internal(format!("无法读取密钥文件 {}：{e}", path.display())))?;
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| AppError::Internal(format!("密钥文件 {} 格式错误（应为32字节的base64）", path.display())))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| AppError::Internal(format!("密钥文件 {} 长度错误（应为32字节）", path.display())))?;
        Ok(Self::from_key(key))
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from(nonce_bytes);
        let ct = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .expect("encryption of a short text succeeds");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        format!("{SEALED_PREFIX}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, AppError> {
        let fail = || AppError::Internal("加密数据无法解密（平台密钥不匹配或数据已损坏）".to_string());
        let b64 = sealed.strip_prefix(SEALED_PREFIX).ok_or_else(fail)?;
        let raw = STANDARD.decode(b64).map_err(|_| fail())?;
        if raw.len() < 24 {
            return Err(fail());
        }
        let (n, ct) = raw.split_at(24);
        let nonce_bytes: [u8; 24] = n.try_into().map_err(|_| fail())?;
        let pt = self
            .cipher
            .decrypt(&XNonce::from(nonce_bytes), ct)
            .map_err(|_| fail())?;
        String::from_utf8(pt).map_err(|_| fail())
    }
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_as_argon2id_and_verify() {
        let h = hash_password("Abcdef12!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Abcdef12!", &h));
        assert!(!verify_password("abcdef12!", &h));
        assert!(!verify_password("x", "garbage"));
    }

    #[test]
    fn sealing_round_trips_and_detects_tampering() {
        let s = Sealer::from_key([7; 32]);
        let sealed = s.seal("230102199001011234");
        assert!(!sealed.contains("2301021990"));
        assert_eq!(s.open(&sealed).unwrap(), "230102199001011234");
        assert_ne!(s.seal("x"), s.seal("x"), "nonces are fresh");
        let other = Sealer::from_key([8; 32]);
        assert!(other.open(&sealed).is_err());
        let mut bad = sealed.clone();
        bad.pop();
        bad.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(s.open(&bad).is_err());
    }

    #[test]
    fn lookup_hashes_are_keyed_and_stable() {
        let a = Sealer::from_key([7; 32]);
        let b = Sealer::from_key([8; 32]);
        assert_eq!(a.lookup_hash("11010519491231002X"), a.lookup_hash("11010519491231002X"));
        assert_ne!(a.lookup_hash("11010519491231002X"), b.lookup_hash("11010519491231002X"));
        assert_ne!(
            a.lookup_hash("11010519491231002X"),
            hex::encode(Sha256::digest(b"11010519491231002X"))
        );
    }

    #[test]
    fn key_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k").join("secret.key");
        let a = Sealer::load_or_create(&p).unwrap();
        let b = Sealer::load_or_create(&p).unwrap();
        assert_eq!(b.open(&a.seal("x")).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn temporary_passwords_meet_the_default_policy() {
        let policy = spotcheck_domain::password::PasswordPolicy::default();
        for _ in 0..200 {
            let p = temporary_password();
            assert!(policy.check("user", &p).is_ok(), "{p}");
        }
    }
}
