//! Output names a reader profile asks for: Jekyll's `_posts/YYYY-MM-DD-<id>.md` and
//! Obsidian's note titles. Unlike the mirrored tree, such a name comes from the article, so two
//! articles may want one: the first in input order gets it, the next its id appended (then
//! `-2`…). Runs that name files this way commit in input order (see `run_in_order`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Job, names};
use crate::convert::Converted;
use crate::profile::{self, Profile};

/// Where outputs go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Naming {
    /// `OUT/<path relative to its input>.md`.
    #[default]
    Mirror,
    /// `OUT/_posts/<folder>/YYYY-MM-DD-<id>.md`.
    Jekyll,
    /// `OUT/<folder>/<title>.md`.
    Obsidian,
}

impl Naming {
    /// The naming a profile asks for.
    pub fn of(profile: Option<Profile>) -> Naming {
        match profile {
            Some(Profile::Jekyll) => Naming::Jekyll,
            Some(Profile::Obsidian) => Naming::Obsidian,
            Some(Profile::Hugo) | None => Naming::Mirror,
        }
    }
}

/// The names taken in a run, compared without case (two notes must not share a file on
/// macOS or Windows either).
#[derive(Debug, Default)]
pub(crate) struct Claims {
    taken: HashSet<String>,
    paths: HashSet<PathBuf>,
}

impl Claims {
    fn take(&mut self, path: &Path) -> bool {
        let key = path.to_string_lossy().to_lowercase();
        let free = self.taken.insert(key);
        if free {
            self.paths.insert(path.to_path_buf());
        }
        free
    }

    pub(crate) fn into_paths(self) -> HashSet<PathBuf> {
        self.paths
    }
}

/// The folder (relative to OUT) a file's outputs go to before their own names.
pub(crate) fn folder(naming: Naming, relative: &Path) -> PathBuf {
    let parent = relative.parent().unwrap_or(Path::new("")).to_path_buf();
    match naming {
        Naming::Jekyll => Path::new("_posts").join(parent),
        Naming::Mirror | Naming::Obsidian => parent,
    }
}

/// The output path of article `index` of the file `job`, taken for this run.
pub(crate) fn claim(
    naming: Naming,
    out: &Path,
    job: &Job,
    collection: bool,
    index: usize,
    article: &Converted,
    claims: &mut Claims,
) -> Result<PathBuf, String> {
    let mut dir = out.join(folder(naming, &job.relative));
    if collection {
        // a feed's items stay together, in a folder named after the feed
        let stem = job.relative.file_stem().unwrap_or_default();
        dir = dir.join(names::sanitise(&stem.to_string_lossy()));
    }
    let id = names::sanitise(&article_id(job, collection, index, article));
    let (wanted, with_id) = match naming {
        Naming::Jekyll => {
            let date = post_date(article).ok_or_else(|| {
                "no date: Jekyll names a post by its date (YYYY-MM-DD-…), and this one has none"
                    .to_string()
            })?;
            let stem = format!("{date}-{id}");
            (stem.clone(), stem)
        }
        Naming::Obsidian => {
            let title = article
                .metadata
                .title
                .as_deref()
                .map(profile::obsidian_file_stem)
                .filter(|t| !t.is_empty());
            match title {
                Some(title) => {
                    let title = names::sanitise(&title);
                    (title.clone(), names::sanitise(&format!("{title} {id}")))
                }
                None => (id.clone(), id),
            }
        }
        Naming::Mirror => (id.clone(), id),
    };
    for n in 0.. {
        let stem = match n {
            0 => wanted.clone(),
            1 => with_id.clone(),
            n => format!("{with_id}-{n}"),
        };
        let path = dir.join(format!("{stem}.md"));
        if claims.take(&path) {
            return Ok(path);
        }
    }
    unreachable!("a name is always found")
}

/// The article's id: its post id from its URL, else for an item of a feed or array its own
/// name (its id or URL slug) or number, for any other file the input's name (saved pages are
/// named by post id in the archives).
fn article_id(job: &Job, collection: bool, index: usize, article: &Converted) -> String {
    if let Some(id) = profile::post_id(&article.metadata) {
        return id;
    }
    if collection {
        return article
            .name
            .clone()
            .unwrap_or_else(|| format!("item-{}", index + 1));
    }
    let stem = job.relative.file_stem().unwrap_or_default();
    stem.to_string_lossy().into_owned()
}

/// `YYYY-MM-DD`: the article's date, else the day it was archived.
fn post_date(article: &Converted) -> Option<String> {
    let meta = &article.metadata;
    meta.date.clone().or_else(|| {
        meta.archived
            .as_deref()
            .and_then(|a| a.get(..10))
            .map(str::to_string)
    })
}
