//! The fact cache: what each file parsed to, kept between runs so that a re-scan of an
//! unchanged tree reads every file but parses none.
//!
//! - **Key.** An entry is found by the BLAKE3 hash of the file's kind, its path and its
//!   content: nothing on disk but the bytes decides, so the cache survives a fresh clone
//!   (where mtimes change). Everything else that shapes the parsers' output is in the pack's
//!   *fingerprint*: seaworthy's version, [`FACTS_VERSION`] and the size limits. A pack with
//!   another fingerprint is never read (it lives in another file, so scans with different
//!   options do not evict each other).
//! - **Layout.** One pack file per (fingerprint, root): `facts-<hash>.bin`, read whole at the
//!   start of the load and rewritten at its end only when something changed, holding exactly
//!   the entries this run used (so it never grows with deleted files). One read of one file
//!   is far cheaper on a warm run of 20,000 files than 20,000 small files.
//! - **Atomicity.** A pack is written to a fresh temporary file in the same directory and
//!   renamed over the old one. Two scans at once each read a whole pack (old or new) and the
//!   last rename wins; both are correct, since neither trusts anything it cannot verify.
//!   Fresh entries go to that temporary file as they are produced (and into its MAC), not
//!   into memory: on a cold scan they are as large as all the facts (12 MB on ever-gauzy),
//!   and holding them until the end was a tenth of the scan's peak memory.
//! - **Trust.** A pack is read only when its magic, fingerprint and MAC (keyed BLAKE3 over
//!   the fingerprint and body) check out, and an entry is used only when it deserializes;
//!   anything else (truncated, garbled, foreign, another version) is a miss, reparsed and
//!   rewritten. The MAC key is what a hostile repository cannot forge: a repository can
//!   commit a `.seaworthy-cache/` of its own whose entries lie about its files (hiding a
//!   committed secret from the Dockerfile checks, say), so the key of the default cache
//!   directory lives outside the repository, in the user's cache directory
//!   (`$XDG_CACHE_HOME/seaworthy/key`, `~/.cache/seaworthy/key`, `%LOCALAPPDATA%`). With no
//!   such directory the default cache is off. An explicit `--cache-dir` is chosen by the
//!   user, not the repository, so its key lives in it (that is what CI caches restore).
//! - **Containment.** The default directory, `.seaworthy-cache/` at the root, is used only
//!   when it is a real directory (not a link, which could point out of the root); packs are
//!   read only when they are regular files. It holds a `.gitignore` of `*` (as ruff's cache
//!   does) and a `CACHEDIR.TAG`, and discovery never enters it.
//!
//! The cache stores bytes; what they mean (the serialized parse outcome) is the loader's.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Bump by hand whenever a fact type in `src/parse` (or the loader's cached outcome) changes
/// shape or meaning, so that packs written by an older build are not read. Releases change
/// `CARGO_PKG_VERSION` too, but a development build between releases needs this.
pub const FACTS_VERSION: u32 = 3;

/// The default directory name, at the scan root.
pub const DEFAULT_DIR: &str = ".seaworthy-cache";

/// Version 2: entries run to the end of the file (no count), in the order they were written.
const MAGIC: &[u8; 8] = b"SWFACTS\x02";
const HEADER: usize = 8 + 32 + 32;
/// Packs larger than this are not read (a real one is a few bytes per source byte at most).
const MAX_PACK: u64 = 4 << 30;

/// Where the cache lives, if anywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Setting {
    /// No cache: every file is parsed (the library default).
    #[default]
    Off,
    /// `.seaworthy-cache/` at the scan root (the command line's default).
    Root,
    /// `--cache-dir DIR`.
    Dir(PathBuf),
}

/// An entry's key: the BLAKE3 hash of a file's kind, path and content.
pub type Key = [u8; 32];

/// One scan's view of the cache: the pack read at the start, and what this run used and
/// produced, written back by [`Cache::save`].
pub struct Cache {
    dir: PathBuf,
    pack: PathBuf,
    mac_key: [u8; 32],
    fingerprint: [u8; 32],
    bytes: Vec<u8>,
    index: HashMap<Key, (usize, usize, usize)>,
    used: Vec<AtomicBool>,
    /// The pack being written, opened at the first fresh entry.
    fresh: Mutex<Option<Spill>>,
    /// Entries found but not usable ([`Cache::forget`]): nonzero only for damaged packs or a
    /// fact type that changed without a [`FACTS_VERSION`] bump.
    rejected: std::sync::atomic::AtomicUsize,
}

impl Cache {
    /// Opens the cache for a scan of `root` whose parser options are `options` (any bytes
    /// that change when an option that shapes the facts changes). `None` when the setting is
    /// off or the directory cannot be used; the scan then parses everything.
    pub fn open(root: &Path, setting: &Setting, options: &[u8]) -> Option<Cache> {
        let (dir, key_file) = match setting {
            Setting::Off => return None,
            Setting::Root => {
                let dir = root.join(DEFAULT_DIR);
                (dir, user_key_file()?)
            }
            Setting::Dir(dir) => (dir.clone(), dir.join("key")),
        };
        prepare_dir(&dir, matches!(setting, Setting::Root))?;
        let mac_key = read_or_create_key(&key_file)?;
        Some(Self::with_key(root, dir, mac_key, options))
    }

    /// Opens `dir` (which must exist) with a given MAC key.
    fn with_key(root: &Path, dir: PathBuf, mac_key: [u8; 32], options: &[u8]) -> Cache {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"seaworthy facts\0");
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(&[0]);
        hasher.update(&FACTS_VERSION.to_le_bytes());
        hasher.update(&(options.len() as u64).to_le_bytes());
        hasher.update(options);
        let fingerprint = *hasher.finalize().as_bytes();
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut name = blake3::Hasher::new();
        name.update(&fingerprint);
        name.update(canonical.as_os_str().as_encoded_bytes());
        let name = name.finalize().to_hex();
        let pack = dir.join(format!("facts-{}.bin", &name[..16]));
        let mut cache = Cache {
            dir,
            pack,
            mac_key,
            fingerprint,
            bytes: Vec::new(),
            index: HashMap::new(),
            used: Vec::new(),
            fresh: Mutex::new(None),
            rejected: std::sync::atomic::AtomicUsize::new(0),
        };
        if let Some(bytes) = read_regular(&cache.pack)
            && let Some(index) = cache.verify(&bytes)
        {
            cache.used = (0..index.len()).map(|_| AtomicBool::new(false)).collect();
            cache.index = index;
            cache.bytes = bytes;
        }
        cache
    }

    /// The key of a file's entry.
    pub fn key(kind: &str, path: &str, content: &[u8]) -> Key {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&(kind.len() as u64).to_le_bytes());
        hasher.update(kind.as_bytes());
        hasher.update(&(path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update(content);
        *hasher.finalize().as_bytes()
    }

    /// The stored bytes for `key`, if the pack has them. Marks the entry used, so that it is
    /// kept; call [`Cache::forget`] if the bytes turn out not to be usable.
    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        let &(start, len, i) = self.index.get(key)?;
        self.used[i].store(true, Ordering::Relaxed);
        self.bytes.get(start..start + len)
    }

    /// Drops an entry that could not be used (it is replaced by a fresh one, or left out).
    pub fn forget(&self, key: &Key) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
        if let Some(&(_, _, i)) = self.index.get(key) {
            self.used[i].store(false, Ordering::Relaxed);
        }
    }

    /// How many entries were found but not usable.
    pub fn rejected(&self) -> usize {
        self.rejected.load(Ordering::Relaxed)
    }

    /// Records a freshly produced entry: written to the new pack at once, not kept.
    pub fn put(&self, key: Key, bytes: &[u8]) {
        let Ok(mut fresh) = self.fresh.lock() else {
            return;
        };
        if fresh.is_none() {
            *fresh = Spill::create(&self.dir, &self.mac_key, &self.fingerprint);
        }
        if let Some(spill) = fresh.as_mut() {
            spill.add(key, bytes);
        }
    }

    /// Writes the pack back if this run changed it: new entries, or old ones it did not use.
    /// Failures are silent: the cache only ever saves time.
    pub fn save(self) {
        let fresh = self.fresh.into_inner().ok().flatten();
        let unused = self.used.iter().any(|u| !u.load(Ordering::Relaxed));
        if fresh.is_none() && !unused {
            return;
        }
        let Some(mut spill) =
            fresh.or_else(|| Spill::create(&self.dir, &self.mac_key, &self.fingerprint))
        else {
            return;
        };
        // The old entries this run used, in pack order (so that a pack rewritten only to
        // drop entries keeps the order of the rest).
        let mut kept: Vec<(usize, &Key)> = self
            .index
            .iter()
            .filter(|&(_, &(_, _, i))| self.used[i].load(Ordering::Relaxed))
            .map(|(key, &(start, _, _))| (start, key))
            .collect();
        kept.sort_unstable();
        for (start, key) in kept {
            let &(_, len, _) = &self.index[key];
            if let Some(bytes) = self.bytes.get(start..start + len) {
                spill.add(*key, bytes);
            }
        }
        spill.finish(&self.pack);
    }

    /// The entries of a pack whose header and MAC check out.
    fn verify(&self, bytes: &[u8]) -> Option<HashMap<Key, (usize, usize, usize)>> {
        let header = bytes.get(..HEADER)?;
        if &header[..8] != MAGIC || header[8..40] != self.fingerprint {
            return None;
        }
        let body = &bytes[HEADER..];
        let expected = blake3::Hash::from_bytes(mac(&self.mac_key, &self.fingerprint, body));
        let stored = blake3::Hash::from_bytes(header[40..72].try_into().ok()?);
        // `Hash` compares in constant time.
        if expected != stored {
            return None;
        }
        let mut index = HashMap::new();
        let mut at = HEADER;
        while at < bytes.len() {
            let key: Key = bytes.get(at..at + 32)?.try_into().ok()?;
            let len = u32::from_le_bytes(bytes.get(at + 32..at + 36)?.try_into().ok()?) as usize;
            let start = at + 36;
            let end = start.checked_add(len)?;
            bytes.get(start..end)?;
            // A pack this build wrote has each key once; any later copy is ignored.
            let next = index.len();
            index.entry(key).or_insert((start, len, next));
            at = end;
        }
        Some(index)
    }

    /// A cache in `dir` with a given MAC key, for tests.
    #[cfg(test)]
    pub(crate) fn for_tests(root: &Path, dir: &Path, mac_key: [u8; 32], options: &[u8]) -> Cache {
        std::fs::create_dir_all(dir).ok();
        Self::with_key(root, dir.to_path_buf(), mac_key, options)
    }

    /// The pack file this scan reads and writes (for tests).
    pub fn pack_path(&self) -> &Path {
        &self.pack
    }
}

/// A pack being written: a temporary file in the cache directory, and the MAC of what it
/// holds so far. Its header's MAC is written last, when the pack is renamed into place; a
/// spill that is never finished (a failed write, a scan that stopped) is removed.
struct Spill {
    path: PathBuf,
    out: Option<std::io::BufWriter<std::fs::File>>,
    mac: blake3::Hasher,
    keys: std::collections::HashSet<Key>,
}

impl Spill {
    fn create(dir: &Path, mac_key: &[u8; 32], fingerprint: &[u8; 32]) -> Option<Spill> {
        let path = temp_path(dir);
        let file = std::fs::File::create_new(&path).ok()?;
        let mut spill = Spill {
            path,
            out: Some(std::io::BufWriter::with_capacity(1 << 16, file)),
            mac: blake3::Hasher::new_keyed(mac_key),
            keys: std::collections::HashSet::new(),
        };
        spill.mac.update(fingerprint);
        spill.write(&[MAGIC, &fingerprint[..], &[0; 32]]);
        Some(spill)
    }

    /// Appends an entry (once per key; entries over 4 GiB are left out).
    fn add(&mut self, key: Key, bytes: &[u8]) {
        let Ok(len) = u32::try_from(bytes.len()) else {
            return;
        };
        if !self.keys.insert(key) {
            return;
        }
        let len = len.to_le_bytes();
        for part in [&key[..], &len[..], bytes] {
            self.mac.update(part);
        }
        self.write(&[&key[..], &len[..], bytes]);
    }

    fn write(&mut self, parts: &[&[u8]]) {
        if let Some(out) = self.out.as_mut()
            && parts.iter().any(|part| out.write_all(part).is_err())
        {
            self.out = None;
        }
    }

    /// Writes the MAC into the header and renames the pack to `pack`.
    fn finish(mut self, pack: &Path) {
        use std::io::{Seek as _, SeekFrom};
        let Some(out) = self.out.take() else {
            return;
        };
        let mac = *self.mac.finalize().as_bytes();
        let done = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)
            .and_then(|mut file| {
                file.seek(SeekFrom::Start(40))?;
                file.write_all(&mac)
            });
        if done.is_ok() && std::fs::rename(&self.path, pack).is_ok() {
            self.path = PathBuf::new();
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn mac(key: &[u8; 32], fingerprint: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new_keyed(key);
    hasher.update(fingerprint);
    hasher.update(body);
    *hasher.finalize().as_bytes()
}

/// The per-user key file for caches inside scanned trees.
fn user_key_file() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").and_then(absolute)
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .and_then(absolute)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(absolute)
                    .map(|h| h.join(".cache"))
            })
    }?;
    Some(base.join("seaworthy").join("key"))
}

/// Creates the cache directory if needed. The default one must be a real directory (not a
/// link) and gets a `.gitignore` and a `CACHEDIR.TAG`.
fn prepare_dir(dir: &Path, in_root: bool) -> Option<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        // A link (or a file) where the cache should be: not followed, not replaced.
        Ok(_) if in_root => return None,
        Ok(_) => {
            if !std::fs::metadata(dir).ok()?.is_dir() {
                return None;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if in_root {
                std::fs::create_dir(dir).ok()?;
            } else {
                std::fs::create_dir_all(dir).ok()?;
            }
        }
        Err(_) => return None,
    }
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        write_atomic(dir, &ignore, b"# Automatically created by seaworthy.\n*\n");
        write_atomic(
            dir,
            &dir.join("CACHEDIR.TAG"),
            b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by seaworthy.\n# For information about cache directory tags see https://bford.info/cachedir/\n",
        );
    }
    Some(())
}

/// The MAC key in `file`, created (randomly, once, atomically) if there is none.
fn read_or_create_key(file: &Path) -> Option<[u8; 32]> {
    if let Some(key) = read_regular(file).and_then(|b| <[u8; 32]>::try_from(b).ok()) {
        return Some(key);
    }
    let dir = file.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).ok()?;
    let tmp = temp_path(dir);
    std::fs::File::create_new(&tmp)
        .and_then(|mut f| f.write_all(&key))
        .ok()?;
    // Link, not rename: a key another scan created meanwhile must not be replaced.
    let linked = std::fs::hard_link(&tmp, file);
    if linked.is_err() && std::fs::symlink_metadata(file).is_err() {
        let _ = std::fs::rename(&tmp, file);
    }
    let _ = std::fs::remove_file(&tmp);
    read_regular(file).and_then(|b| <[u8; 32]>::try_from(b).ok())
}

/// The content of `path` if it is a regular file (not a link, FIFO or device), under the
/// size limit.
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_PACK {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    std::fs::File::open(path)
        .ok()?
        .take(MAX_PACK)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

fn temp_path(dir: &Path) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    dir.join(format!(".tmp-{}-{n}-{nanos}", std::process::id()))
}

/// Writes `bytes` to a temporary file in `dir` and renames it to `path`.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) {
    write_atomic_with(dir, path, |out| out.write_all(bytes));
}

/// What `write` writes, into a temporary file in `dir` renamed to `path` once complete.
fn write_atomic_with(
    dir: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) {
    let tmp = temp_path(dir);
    let written = std::fs::File::create_new(&tmp).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        Ok(())
    });
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("seaworthy-cache-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn open(root: &Path, dir: &Path, options: &[u8]) -> Cache {
        Cache::with_key(root, dir.to_path_buf(), [7; 32], options)
    }

    #[test]
    fn entries_survive_a_save_and_unused_ones_are_dropped() {
        let dir = temp("roundtrip");
        let (a, b) = (Cache::key("k", "a", b"1"), Cache::key("k", "b", b"2"));
        let cache = open(&dir, &dir, b"o");
        assert!(cache.get(&a).is_none());
        cache.put(a, b"facts a");
        cache.put(b, b"facts b");
        cache.save();
        let cache = open(&dir, &dir, b"o");
        assert_eq!(cache.get(&a), Some(&b"facts a"[..]));
        cache.save();
        let cache = open(&dir, &dir, b"o");
        assert_eq!(cache.get(&a), Some(&b"facts a"[..]));
        assert!(cache.get(&b).is_none(), "b was not used by the last run");
        // Other options, another key: nothing is shared.
        assert!(open(&dir, &dir, b"p").get(&a).is_none());
        let other = Cache::with_key(&dir, dir.clone(), [8; 32], b"o");
        assert!(
            other.get(&a).is_none(),
            "a pack is read only with its MAC key"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn fresh_entries_are_written_as_they_come_and_nothing_is_left_behind() {
        let dir = temp("spill");
        let (a, b) = (Cache::key("k", "a", b"1"), Cache::key("k", "b", b"2"));
        let files = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .expect("dir")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let cache = open(&dir, &dir, b"o");
        cache.put(a, b"facts a");
        // The first entry opens the new pack, beside the old one.
        assert_eq!(files(&dir).len(), 1);
        assert!(files(&dir)[0].starts_with(".tmp-"));
        cache.put(a, b"facts a again");
        cache.put(b, b"facts b");
        cache.save();
        assert_eq!(files(&dir).len(), 1);
        assert!(files(&dir)[0].starts_with("facts-"));
        let cache = open(&dir, &dir, b"o");
        assert_eq!(cache.get(&a), Some(&b"facts a"[..]), "one entry per key");
        assert_eq!(cache.get(&b), Some(&b"facts b"[..]));
        // A scan that stops before saving leaves the old pack alone and no temporary file.
        cache.put(Cache::key("k", "c", b"3"), b"facts c");
        drop(cache);
        assert_eq!(files(&dir).len(), 1);
        assert_eq!(open(&dir, &dir, b"o").get(&a), Some(&b"facts a"[..]));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_key_is_content_path_and_kind() {
        let k = Cache::key("Source", "a.ts", b"x");
        assert_ne!(k, Cache::key("Source", "a.ts", b"y"));
        assert_ne!(k, Cache::key("Source", "b.ts", b"x"));
        assert_ne!(k, Cache::key("TsConfig", "a.ts", b"x"));
        assert_eq!(k, Cache::key("Source", "a.ts", b"x"));
    }

    #[test]
    fn a_damaged_pack_is_ignored() {
        let dir = temp("damaged");
        let a = Cache::key("k", "a", b"1");
        let cache = open(&dir, &dir, b"o");
        cache.put(a, b"facts a");
        let pack = cache.pack_path().to_path_buf();
        cache.save();
        let good = std::fs::read(&pack).expect("pack");
        let damaged: Vec<Vec<u8>> = vec![
            good[..good.len() - 3].to_vec(),
            good[..HEADER - 1].to_vec(),
            {
                let mut g = good.clone();
                let last = g.len() - 1;
                g[last] ^= 1;
                g
            },
            {
                let mut g = good.clone();
                g[0] = b'X';
                g
            },
            Vec::new(),
        ];
        for bytes in damaged {
            std::fs::write(&pack, &bytes).expect("write");
            let cache = open(&dir, &dir, b"o");
            assert!(cache.get(&a).is_none());
            cache.put(a, b"facts a");
            cache.save();
            assert_eq!(std::fs::read(&pack).expect("pack"), good, "rewritten");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_default_directory_is_not_used() {
        let root = temp("linked-root");
        let outside = temp("linked-outside");
        std::os::unix::fs::symlink(&outside, root.join(DEFAULT_DIR)).expect("symlink");
        assert!(prepare_dir(&root.join(DEFAULT_DIR), true).is_none());
        assert_eq!(std::fs::read_dir(&outside).expect("dir").count(), 0);
        std::fs::remove_dir_all(&root).ok();
        std::fs::remove_dir_all(&outside).ok();
    }

    #[test]
    fn the_default_directory_is_gitignored_and_tagged() {
        let root = temp("tagged");
        let dir = root.join(DEFAULT_DIR);
        prepare_dir(&dir, true).expect("created");
        let ignore = std::fs::read_to_string(dir.join(".gitignore")).expect(".gitignore");
        assert!(ignore.lines().any(|l| l == "*"));
        assert!(dir.join("CACHEDIR.TAG").is_file());
        std::fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn a_key_is_created_once() {
        let dir = temp("key");
        let file = dir.join("sub/key");
        let first = read_or_create_key(&file).expect("key");
        assert_eq!(read_or_create_key(&file), Some(first));
        std::fs::remove_dir_all(&dir).ok();
    }
}
