//! The durable catalogue: which topics exist (name, id, partition count, configs), the cluster
//! id, and the producer-id block. One JSON file, `meta.json`, replaced atomically (write a temp
//! file, fsync it, rename, fsync the directory), so a `kill -9` at any moment leaves either the
//! old or the new catalogue. It carries a format version.

use crate::config::TopicConfigs;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const META_FORMAT_VERSION: u32 = 1;
const META_FILE: &str = "meta.json";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TopicMeta {
    pub id: uuid::Uuid,
    pub partitions: i32,
    #[serde(default)]
    pub configs: TopicConfigs,
    pub created_ms: i64,
    /// The Kinesis view, once the Kinesis side created or changed the topic (see `streams`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<crate::streams::StreamMeta>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Catalogue {
    pub version: u32,
    pub cluster_id: String,
    /// Producer ids below this may have been handed out; the next start allocates from here.
    pub producer_id_block_end: i64,
    pub topics: BTreeMap<String, TopicMeta>,
}

impl Catalogue {
    fn fresh() -> Catalogue {
        Catalogue {
            version: META_FORMAT_VERSION,
            cluster_id: format!("sluice-{}", uuid::Uuid::new_v4().simple()),
            producer_id_block_end: 0,
            topics: BTreeMap::new(),
        }
    }
}

/// Owns `meta.json` in the data directory.
pub struct MetaStore {
    dir: PathBuf,
}

impl MetaStore {
    /// Load the catalogue, or create a fresh one (and persist it) in an empty data directory.
    pub fn open(dir: &Path) -> io::Result<(MetaStore, Catalogue)> {
        fs::create_dir_all(dir)?;
        let store = MetaStore {
            dir: dir.to_path_buf(),
        };
        let path = dir.join(META_FILE);
        match fs::read(&path) {
            Ok(bytes) => {
                let cat: Catalogue = serde_json::from_slice(&bytes).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })?;
                if cat.version != META_FORMAT_VERSION {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{}: format version {} is not supported (expected {META_FORMAT_VERSION})",
                            path.display(),
                            cat.version
                        ),
                    ));
                }
                Ok((store, cat))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let cat = Catalogue::fresh();
                store.save(&cat)?;
                Ok((store, cat))
            }
            Err(e) => Err(e),
        }
    }

    /// Atomically replace the catalogue on disk; returns once it is durable.
    pub fn save(&self, cat: &Catalogue) -> io::Result<()> {
        let tmp = self.dir.join(format!("{META_FILE}.tmp"));
        let bytes = serde_json::to_vec_pretty(cat).map_err(io::Error::other)?;
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, self.dir.join(META_FILE))?;
        fs::File::open(&self.dir)?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (store, mut cat) = MetaStore::open(dir.path()).unwrap();
        cat.topics.insert(
            "t".into(),
            TopicMeta {
                id: uuid::Uuid::new_v4(),
                partitions: 3,
                configs: TopicConfigs::default(),
                created_ms: 1,
                stream: None,
            },
        );
        cat.producer_id_block_end = 2000;
        store.save(&cat).unwrap();
        let (_, again) = MetaStore::open(dir.path()).unwrap();
        assert_eq!(again.topics, cat.topics);
        assert_eq!(again.cluster_id, cat.cluster_id);
        assert_eq!(again.producer_id_block_end, 2000);
    }

    #[test]
    fn unknown_format_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(META_FILE),
            r#"{"version":99,"cluster_id":"x","producer_id_block_end":0,"topics":{}}"#,
        )
        .unwrap();
        assert!(MetaStore::open(dir.path()).is_err());
    }
}
