//! The command line: arguments → a plain config → conversion → exit code.
//!
//! Exit codes: 0 converted, 1 the page could not be converted, 2 usage error.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::convert::{Options, convert};

const EXAMPLES: &str = "\
Examples:
  Convert one saved page, Markdown on standard output:
    cdt2md 714996.html > 714996.md

  Pipe a page through:
    curl -s https://example.org/saved/714996.html | cdt2md > 714996.md
    cdt2md - < 714996.html

  Title as a heading instead of front matter:
    cdt2md --no-front-matter 714996.html

Exit status: 0 converted, 1 the page could not be converted, 2 usage error.";

#[derive(Parser, Debug)]
#[command(
    name = "cdt2md",
    version,
    about = "Convert saved China Digital Times pages to clean Markdown with YAML front matter",
    after_help = EXAMPLES
)]
struct Args {
    /// The saved page to convert. `-` or nothing reads standard input.
    #[arg(value_name = "PAGE")]
    input: Option<PathBuf>,

    /// Write the title as a `# ` heading instead of YAML front matter.
    #[arg(long)]
    no_front_matter: bool,

    /// Print no warnings, only errors.
    #[arg(short, long)]
    quiet: bool,
}

/// Where the page comes from.
enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

pub fn run() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let source = match args.input {
        None if io::stdin().is_terminal() => {
            return usage_error("no input: give a PAGE, or pipe one to standard input");
        }
        None => Source::Stdin,
        Some(path) if path.as_os_str() == "-" => Source::Stdin,
        Some(path) if path.is_dir() => {
            return usage_error(&format!(
                "{}: is a directory; give one saved page (converting folders is not supported yet)",
                path.display()
            ));
        }
        Some(path) if !path.exists() => {
            return usage_error(&format!("{}: no such file", path.display()));
        }
        Some(path) => Source::File(path),
    };
    let options = Options {
        front_matter: !args.no_front_matter,
    };
    convert_one(&source, &options, args.quiet)
}

fn convert_one(source: &Source, options: &Options, quiet: bool) -> ExitCode {
    let name = source.name();
    let bytes = match read(source) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("cdt2md: {name}: cannot read: {err}");
            return ExitCode::from(1);
        }
    };
    let converted = match convert(&bytes, options) {
        Ok(converted) => converted,
        Err(err) => {
            eprintln!("cdt2md: {name}: {err}");
            return ExitCode::from(1);
        }
    };
    if !quiet {
        for warning in &converted.warnings {
            eprintln!("cdt2md: warning: {name}: {warning}");
        }
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(converted.markdown.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing more to say.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cdt2md: cannot write output: {err}");
            ExitCode::from(1)
        }
    }
}

fn read(source: &Source) -> io::Result<Vec<u8>> {
    match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        Source::File(path) => std::fs::read(path),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("cdt2md: {message}");
    eprintln!("Try 'cdt2md --help' for more information.");
    ExitCode::from(2)
}
