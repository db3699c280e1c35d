//! A power-loss model of one directory, for tests: installed per thread with [`install`], fed
//! by every call of the storage seam ([`crate::disk`]), and asked by [`crash_into`] what a disk
//! could hold after the power was cut at that moment.
//!
//! What it models, per inode (files are told apart by device and inode number):
//! - the content as of its last `fdatasync`/`fsync` (or of [`install`], which counts as durable),
//! - the writes and truncations since then, in order.
//!
//! And per directory (only the installed root is modelled): the names as of its last fsync.
//! A file created since is a name that may or may not survive, and so is a removal.
//!
//! What a cut keeps ([`Cut`]): nothing unsynced; or, per file, a prefix of its unsynced
//! operations with the next one torn at any byte; or any subset of them, some torn (writeback
//! reaches the disk page by page in any order). Names created or removed since the directory
//! sync each survive or not. `syncfs` makes everything durable. The real syncs are skipped
//! while a model is installed (the model is the disk), which keeps property tests fast.
//!
//! Faults injected at run time: [`fail_writes_after`] lets that many more bytes be written,
//! then a write stores the part that fits and fails with ENOSPC, as a full disk does;
//! [`fail_syncs`] makes every sync fail with EIO.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

type Ino = (u64, u64);

#[derive(Clone, Debug)]
enum Op {
    Write { at: u64, bytes: Vec<u8> },
    SetLen(u64),
}

/// What the disk keeps of everything not synced when the power is cut.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cut {
    /// Every unsynced byte and name is lost.
    DropUnsynced,
    /// Per file, a prefix of the unsynced operations survives, the next one torn at any byte.
    Torn { seed: u64 },
    /// Each unsynced operation survives whole, torn or not at all, independently.
    Scrambled { seed: u64 },
}

/// Counts of what the model saw, for reports.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stats {
    pub(crate) writes: u64,
    pub(crate) bytes_written: u64,
    pub(crate) syncs: u64,
    pub(crate) injected_write_faults: u64,
    pub(crate) injected_sync_faults: u64,
}

struct Model {
    root: PathBuf,
    root_ino: Ino,
    durable: HashMap<Ino, Vec<u8>>,
    pending: HashMap<Ino, Vec<Op>>,
    names: BTreeMap<String, Ino>,
    write_budget: Option<u64>,
    fail_syncs: bool,
    stats: Stats,
}

thread_local! {
    static MODEL: RefCell<Option<Model>> = const { RefCell::new(None) };
}

pub(crate) fn active() -> bool {
    MODEL.with(|m| m.borrow().is_some())
}

fn ino_of(meta: &std::fs::Metadata) -> Ino {
    (meta.dev(), meta.ino())
}

fn read_whole(file: &File) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len() as usize;
    let mut buf = vec![0u8; len];
    if file.read_exact_at(&mut buf, 0).is_err() {
        // A write-only handle: read the same inode through a fresh read-only one.
        use std::os::fd::AsRawFd;
        let again = File::open(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
        again.read_exact_at(&mut buf, 0)?;
    }
    Ok(buf)
}

fn listing(dir: &Path) -> io::Result<BTreeMap<String, Ino>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = std::fs::symlink_metadata(entry.path())?;
        if meta.is_file() {
            out.insert(
                entry.file_name().to_string_lossy().into_owned(),
                ino_of(&meta),
            );
        }
    }
    Ok(out)
}

/// Start modelling `root` (an existing directory) on this thread; its files as they are now
/// count as durable. Replaces any model installed before.
pub(crate) fn install(root: &Path) -> io::Result<()> {
    let names = listing(root)?;
    let mut durable = HashMap::new();
    for name in names.keys() {
        let file = File::open(root.join(name))?;
        durable.insert(ino_of(&file.metadata()?), read_whole(&file)?);
    }
    let model = Model {
        root: root.to_path_buf(),
        root_ino: ino_of(&std::fs::metadata(root)?),
        durable,
        pending: HashMap::new(),
        names,
        write_budget: None,
        fail_syncs: false,
        stats: Stats::default(),
    };
    MODEL.with(|m| *m.borrow_mut() = Some(model));
    Ok(())
}

/// Stop modelling; returns what was seen.
pub(crate) fn uninstall() -> Stats {
    MODEL.with(|m| m.borrow_mut().take().map(|m| m.stats).unwrap_or_default())
}

/// Let `bytes` more bytes be written, then fail writes with ENOSPC (None: no limit).
pub(crate) fn fail_writes_after(bytes: Option<u64>) {
    with(|m| m.write_budget = bytes);
}

/// Make every sync fail with EIO (or stop doing so).
pub(crate) fn fail_syncs(on: bool) {
    with(|m| m.fail_syncs = on);
}

fn with<T>(f: impl FnOnce(&mut Model) -> T) -> T {
    MODEL.with(|m| f(m.borrow_mut().as_mut().expect("no power model installed")))
}

pub(crate) fn write(file: &File, at: u64, buf: &[u8]) -> io::Result<()> {
    let ino = ino_of(&file.metadata()?);
    with(|m| {
        let fits = m
            .write_budget
            .map_or(buf.len(), |b| (b as usize).min(buf.len()));
        let part = &buf[..fits];
        if !part.is_empty() {
            file.write_all_at(part, at)?;
            m.pending.entry(ino).or_default().push(Op::Write {
                at,
                bytes: part.to_vec(),
            });
            m.stats.writes += 1;
            m.stats.bytes_written += part.len() as u64;
        }
        if let Some(b) = m.write_budget.as_mut() {
            *b -= fits as u64;
        }
        if fits < buf.len() {
            m.stats.injected_write_faults += 1;
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        Ok(())
    })
}

pub(crate) fn set_len(file: &File, len: u64) -> io::Result<()> {
    let ino = ino_of(&file.metadata()?);
    file.set_len(len)?;
    with(|m| m.pending.entry(ino).or_default().push(Op::SetLen(len)));
    Ok(())
}

/// fsync/fdatasync: the file's content (or, for the root directory, its names) is durable.
pub(crate) fn sync(file: &File) -> io::Result<()> {
    let meta = file.metadata()?;
    let ino = ino_of(&meta);
    let root = with(|m| {
        m.stats.syncs += 1;
        if m.fail_syncs {
            m.stats.injected_sync_faults += 1;
            return Err(io::Error::from_raw_os_error(libc::EIO));
        }
        Ok(m.root.clone())
    })?;
    if meta.is_dir() {
        if with(|m| m.root_ino == ino) {
            let names = listing(&root)?;
            with(|m| m.names = names);
        }
        return Ok(());
    }
    let content = read_whole(file)?;
    with(|m| {
        m.durable.insert(ino, content);
        m.pending.remove(&ino);
    });
    Ok(())
}

/// syncfs: every file and name under the root is durable.
pub(crate) fn sync_everything() -> io::Result<()> {
    let root = with(|m| {
        m.stats.syncs += 1;
        if m.fail_syncs {
            m.stats.injected_sync_faults += 1;
            return Err(io::Error::from_raw_os_error(libc::EIO));
        }
        Ok(m.root.clone())
    })?;
    let names = listing(&root)?;
    for name in names.keys() {
        let file = File::open(root.join(name))?;
        let content = read_whole(&file)?;
        let ino = ino_of(&file.metadata()?);
        with(|m| {
            m.durable.insert(ino, content);
            m.pending.remove(&ino);
        });
    }
    with(|m| m.names = names);
    Ok(())
}

/// splitmix64: a small deterministic generator for the cut's choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn apply(content: &mut Vec<u8>, op: &Op, tear_at: Option<usize>) {
    match op {
        Op::Write { at, bytes } => {
            let bytes = &bytes[..tear_at.unwrap_or(bytes.len()).min(bytes.len())];
            let at = *at as usize;
            if content.len() < at + bytes.len() {
                content.resize(at + bytes.len(), 0);
            }
            content[at..at + bytes.len()].copy_from_slice(bytes);
        }
        Op::SetLen(len) => {
            if tear_at.is_none() {
                content.resize(*len as usize, 0);
            }
        }
    }
}

/// What a disk may hold after a cut now, written into `out` (an empty directory). The model
/// stays installed and unchanged (the test usually installs a new one on `out`).
pub(crate) fn crash_into(out: &Path, cut: Cut) -> io::Result<()> {
    let current = listing(&with(|m| m.root.clone()))?;
    with(|m| {
        let mut rng = Rng(match cut {
            Cut::DropUnsynced => 0,
            Cut::Torn { seed } | Cut::Scrambled { seed } => seed,
        });
        let lossy = !matches!(cut, Cut::DropUnsynced);
        // Names: the durable listing, with changes since the last directory sync kept or not.
        let mut names = m.names.clone();
        for (name, ino) in &current {
            if names.get(name) != Some(ino) && lossy && rng.below(2) == 1 {
                names.insert(name.clone(), *ino);
            }
        }
        let removed: Vec<String> = names
            .keys()
            .filter(|n| !current.contains_key(*n))
            .cloned()
            .collect();
        for name in removed {
            if lossy && rng.below(2) == 1 {
                names.remove(&name);
            }
        }
        for (name, ino) in &names {
            let mut content = m.durable.get(ino).cloned().unwrap_or_default();
            let ops = m.pending.get(ino).map(Vec::as_slice).unwrap_or(&[]);
            match cut {
                Cut::DropUnsynced => {}
                Cut::Torn { .. } => {
                    let keep = rng.below(ops.len() as u64 + 1) as usize;
                    for op in &ops[..keep] {
                        apply(&mut content, op, None);
                    }
                    if let Some(op) = ops.get(keep) {
                        apply(&mut content, op, Some(tear_point(&mut rng, op)));
                    }
                }
                Cut::Scrambled { .. } => {
                    for op in ops {
                        match rng.below(3) {
                            0 => {}
                            1 => apply(&mut content, op, None),
                            _ => apply(&mut content, op, Some(tear_point(&mut rng, op))),
                        }
                    }
                }
            }
            std::fs::write(out.join(name), content)?;
        }
        Ok(())
    })
}

fn tear_point(rng: &mut Rng, op: &Op) -> usize {
    match op {
        Op::Write { bytes, .. } => rng.below(bytes.len() as u64) as usize,
        Op::SetLen(_) => 0,
    }
}
