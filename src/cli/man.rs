//! The manual page, from the same definition as `--help`. clap_mangen writes the title, name,
//! description and options; the synopsis, the examples and the exit status are written here:
//! its synopsis drops option arguments, its examples are filled text (so a line breaks in the
//! middle of an option), and it names a page per subcommand that is never installed.

use std::io::{self, Write};

use clap::Command;

/// The whole page, roff.
pub(super) fn render(cli: Command, examples: &str, out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(cli.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    synopsis(&cli, out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    commands(&cli, out)?;
    examples_section(examples, out)?;
    man.render_version_section(out)?;
    Ok(())
}

/// Text for roff: backslashes doubled, `-` as `\-` (so it is not a hyphen to break at), and a
/// leading `.` or `'` kept from reading as a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn synopsis(cli: &Command, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SH SYNOPSIS")?;
    let mut options = Vec::new();
    for arg in cli.get_arguments() {
        if arg.is_hide_set() || arg.is_positional() {
            continue;
        }
        let name = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => format!("\\-{s}|\\-\\-{}", roff(l)),
            (Some(s), None) => format!("\\-{s}"),
            (None, Some(l)) => format!("\\-\\-{}", roff(l)),
            (None, None) => continue,
        };
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .filter(|_| arg.get_action().takes_values())
            .map(|v| format!(" \\fI{}\\fR", roff(v)))
            .unwrap_or_default();
        options.push(format!("[\\fB{name}\\fR{value}]"));
    }
    writeln!(out, ".nh")?;
    writeln!(out, ".ad l")?;
    writeln!(
        out,
        "\\fBcdt2md\\fR {} [\\fIINPUT\\fR]...",
        options.join(" ")
    )?;
    writeln!(out, ".br")?;
    for sub in cli.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let args: Vec<String> = sub
            .get_arguments()
            .filter(|a| a.is_positional())
            .map(|a| format!(" \\fI{}\\fR", roff(&a.get_id().to_string().to_uppercase())))
            .collect();
        writeln!(
            out,
            "\\fBcdt2md {}\\fR{}",
            roff(sub.get_name()),
            args.join("")
        )?;
        writeln!(out, ".br")?;
    }
    writeln!(out, ".ad b")?;
    writeln!(out, ".hy")
}

/// The subcommands, described here: they have no pages of their own.
fn commands(cli: &Command, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SH COMMANDS")?;
    for sub in cli.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        writeln!(out, ".TP")?;
        writeln!(out, "\\fBcdt2md {}\\fR", roff(sub.get_name()))?;
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(out, "{}", roff(&about))?;
    }
    Ok(())
}

/// `--help`'s examples: a line indented by four spaces is a command, set as it is (no filling,
/// no hyphenation); one indented by two describes the commands below it.
fn examples_section(examples: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SH EXAMPLES")?;
    let (examples, exit_status) = examples
        .split_once("Exit status:")
        .unwrap_or((examples, ""));
    let mut text: Vec<&str> = Vec::new();
    let mut in_commands = false;
    for line in examples.lines() {
        if let Some(command) = line.strip_prefix("    ") {
            if !text.is_empty() {
                writeln!(out, ".PP\n{}", roff(&text.join(" ")))?;
                text.clear();
            }
            if !in_commands {
                writeln!(out, ".RS 4\n.nf\n.nh")?;
                in_commands = true;
            }
            writeln!(out, "{}", roff(command))?;
            continue;
        }
        if in_commands {
            writeln!(out, ".hy\n.fi\n.RE")?;
            in_commands = false;
        }
        if let Some(line) = line.strip_prefix("  ") {
            text.push(line.trim());
        }
    }
    if in_commands {
        writeln!(out, ".hy\n.fi\n.RE")?;
    }
    let exit_status = exit_status.split_whitespace().collect::<Vec<_>>().join(" ");
    if !exit_status.is_empty() {
        writeln!(out, ".SH EXIT STATUS\n{}", roff(&exit_status))?;
    }
    Ok(())
}
