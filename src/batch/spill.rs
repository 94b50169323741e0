//! Sorting more lines than memory should hold: the catalogue's rows and the image list of a
//! run of a million articles. Lines are held up to a budget, then sorted and written to a
//! run file in a temporary folder; at the end the runs are merged. Memory stays at the budget
//! whatever the number of lines.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

/// Bytes of lines held before a run is written.
const BUDGET: usize = 32 << 20;

/// Lines with their sort keys; equal keys are one line when `unique` (the image list).
pub struct Sorter {
    unique: bool,
    held: Vec<(Vec<u8>, Vec<u8>)>,
    held_bytes: usize,
    folder: Option<tempfile::TempDir>,
    runs: Vec<std::path::PathBuf>,
    budget: usize,
}

impl Sorter {
    pub fn new(unique: bool) -> Sorter {
        Sorter {
            unique,
            held: Vec::new(),
            held_bytes: 0,
            folder: None,
            runs: Vec::new(),
            budget: BUDGET,
        }
    }

    pub fn push(&mut self, key: Vec<u8>, line: Vec<u8>) -> io::Result<()> {
        self.held_bytes += key.len() + line.len() + 48;
        self.held.push((key, line));
        if self.held_bytes > self.budget {
            self.spill()?;
        }
        Ok(())
    }

    fn sort_held(&mut self) {
        self.held.sort_unstable();
        if self.unique {
            self.held.dedup_by(|a, b| a.0 == b.0);
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        self.sort_held();
        if self.folder.is_none() {
            self.folder = Some(tempfile::Builder::new().prefix("cdt2md-sort-").tempdir()?);
        }
        let Some(folder) = &self.folder else {
            return Ok(());
        };
        let path = folder.path().join(format!("run-{}", self.runs.len()));
        let mut out = BufWriter::new(File::create(&path)?);
        for (key, line) in self.held.drain(..) {
            write_record(&mut out, &key, &line)?;
        }
        out.flush()?;
        self.runs.push(path);
        self.held_bytes = 0;
        Ok(())
    }

    /// Writes every line, in key order, to `out`.
    pub fn write_to(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sort_held();
        if self.runs.is_empty() {
            for (_, line) in &self.held {
                out.write_all(line)?;
            }
            return Ok(());
        }
        if !self.held.is_empty() {
            self.spill()?;
        }
        let mut readers: Vec<BufReader<File>> = self
            .runs
            .iter()
            .map(|p| File::open(p).map(BufReader::new))
            .collect::<io::Result<_>>()?;
        let mut heap = BinaryHeap::new();
        for (i, reader) in readers.iter_mut().enumerate() {
            if let Some((key, line)) = read_record(reader)? {
                heap.push(Reverse((key, line, i)));
            }
        }
        let mut last: Option<Vec<u8>> = None;
        while let Some(Reverse((key, line, i))) = heap.pop() {
            if !(self.unique && last.as_ref() == Some(&key)) {
                out.write_all(&line)?;
            }
            last = Some(key);
            if let Some((key, line)) = read_record(&mut readers[i])? {
                heap.push(Reverse((key, line, i)));
            }
        }
        Ok(())
    }
}

fn write_record(out: &mut impl Write, key: &[u8], line: &[u8]) -> io::Result<()> {
    for part in [key, line] {
        let len = u32::try_from(part.len()).map_err(io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(part)?;
    }
    Ok(())
}

fn read_record(reader: &mut impl Read) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut parts = Vec::with_capacity(2);
    for i in 0..2 {
        let mut len = [0u8; 4];
        match reader.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && i == 0 => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut part = vec![0u8; u32::from_le_bytes(len) as usize];
        reader.read_exact(&mut part)?;
        parts.push(part);
    }
    let line = parts.pop().unwrap_or_default();
    let key = parts.pop().unwrap_or_default();
    Ok(Some((key, line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(unique: bool, budget: usize, lines: &[&str]) -> String {
        let mut sorter = Sorter::new(unique);
        sorter.budget = budget;
        for line in lines {
            sorter
                .push(line.as_bytes().to_vec(), format!("{line}\n").into_bytes())
                .expect("pushed");
        }
        let mut out = Vec::new();
        sorter.write_to(&mut out).expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn in_memory_and_through_runs_alike() {
        let lines = ["c", "a", "b", "a", "d", "c"];
        for budget in [usize::MAX, 1, 100] {
            assert_eq!(
                sorted(false, budget, &lines),
                "a\na\nb\nc\nc\nd\n",
                "{budget}"
            );
            assert_eq!(sorted(true, budget, &lines), "a\nb\nc\nd\n", "{budget}");
        }
    }
}
