//! Every input the fuzzer ever saved (`fixtures/crashes/`) still converts without breaking a
//! property: no panic, and when it converts, a YAML mapping on top and no raw HTML below.

mod common;

use std::fs;

#[test]
fn saved_crashes_stay_fixed() {
    let Ok(entries) = fs::read_dir("fixtures/crashes") else {
        return;
    };
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
            let value: serde_yaml::Value =
                serde_yaml::from_str(yaml.expect("front matter")).expect("YAML");
            assert!(value.is_mapping(), "{}", path.display());
            common::read_markdown(body, &Default::default());
        }
        checked += 1;
    }
    eprintln!("{checked} saved crash inputs checked");
}
