//! Every input that ever broke a property (`fixtures/crashes/`, saved by the fuzzer or kept
//! from a failed property test) still converts without breaking one: no panic, and when it
//! converts, front matter that is a YAML mapping if any, and no raw HTML below.

mod common;

use std::fs;

#[test]
fn saved_crashes_stay_fixed() {
    let entries = fs::read_dir("fixtures/crashes").expect("fixtures/crashes exists");
    let mut checked = 0;
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let input = fs::read(&path).expect("readable");
        let result =
            std::panic::catch_unwind(|| cdt2md::convert(&input, &cdt2md::Options::default()));
        let Ok(result) = result else {
            panic!("{} panics", path.display());
        };
        if let Ok(converted) = result {
            let (yaml, body) = common::split_front_matter(&converted.markdown);
            if let Some(yaml) = yaml {
                let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("YAML");
                assert!(value.is_mapping(), "{}", path.display());
            }
            // panics on raw HTML in the output
            common::read_markdown(body, &Default::default());
            let markdown = &converted.markdown;
            assert!(
                markdown.ends_with('\n') && !markdown.ends_with("\n\n"),
                "{}: not one newline at the end",
                path.display()
            );
            assert!(
                !converted.markdown.contains('\u{fffd}'),
                "{}: a replacement character",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(
        checked > 0,
        "fixtures/crashes holds no saved input: nothing is checked"
    );
}
