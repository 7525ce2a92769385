//! Where the workbench keeps its files, and the autosaved session.
//!
//! - Config (`keymap.toml`): `directories`' config dir for wort, or `$WORT_CONFIG_DIR`.
//! - Sessions: `<data dir>/sessions/<hash of the input paths>.json`, where the data dir
//!   is `directories`' data dir for wort, or `$WORT_DATA_DIR`. A session is written
//!   on every change to the recipe or rules and removed on a clean quit, so one that
//!   is still there when the same input is opened again is from a crash (or a killed
//!   terminal), and the workbench offers to restore it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::recipe::Recipe;

/// The directories the workbench uses (None: not available on this system).
#[derive(Debug, Clone, Default)]
pub struct Dirs {
    pub data: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

impl Dirs {
    /// From `WORT_DATA_DIR` / `WORT_CONFIG_DIR`, else the platform's directories.
    pub fn from_env() -> Dirs {
        let project = directories::ProjectDirs::from("", "", "wort");
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Dirs {
            data: env("WORT_DATA_DIR")
                .or_else(|| project.as_ref().map(|p| p.data_dir().to_path_buf())),
            config: env("WORT_CONFIG_DIR")
                .or_else(|| project.as_ref().map(|p| p.config_dir().to_path_buf())),
        }
    }

    pub fn keymap_file(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|d| d.join("keymap.toml"))
    }

    /// The session file for these inputs.
    pub fn session_file(&self, inputs: &[String]) -> Option<PathBuf> {
        let dir = self.data.as_ref()?.join("sessions");
        let mut h = Sha256::new();
        for i in inputs {
            let p = Path::new(i);
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            h.update(abs.to_string_lossy().as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        let name: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Some(dir.join(format!("{name}.json")))
    }
}

/// What is autosaved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub wort_session: u32,
    pub inputs: Vec<String>,
    /// Local time, for the restore prompt.
    pub saved_at: String,
    pub recipe: Recipe,
    pub rules: String,
}

impl Session {
    pub fn new(inputs: &[String], recipe: &Recipe, rules: &str) -> Session {
        Session {
            wort_session: 1,
            inputs: inputs.to_vec(),
            saved_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            recipe: recipe.clone(),
            rules: rules.to_string(),
        }
    }

    pub fn load(path: &Path) -> Option<Session> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Write atomically (creating the directory).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        crate::source::write::write_text_atomic(path, &text).map_err(|e| e.to_string())
    }
}

pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// A recipe and rules saved next to the data (`<stem>.recipe.json`,
/// `<stem>.rules.dqdl`), offered when the data is opened without them.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedFiles {
    pub recipe_path: PathBuf,
    pub recipe: Option<Recipe>,
    pub rules_path: PathBuf,
    pub rules: Option<String>,
}

impl SavedFiles {
    /// What exists at the default paths, if anything (a recipe that does not load is
    /// left out: opening it with --recipe says why).
    pub fn find(recipe_path: PathBuf, rules_path: PathBuf) -> Option<SavedFiles> {
        let recipe = recipe_path
            .is_file()
            .then(|| Recipe::load(&recipe_path).ok())
            .flatten();
        let rules = rules_path
            .is_file()
            .then(|| std::fs::read_to_string(&rules_path).ok())
            .flatten();
        (recipe.is_some() || rules.is_some()).then_some(SavedFiles {
            recipe_path,
            recipe,
            rules_path,
            rules,
        })
    }
}
