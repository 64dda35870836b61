//! Reading untrusted files with a size bound (`read`), writing files safely (`write`), finding a
//! field in RON text (`ron_scan`), and errors that name the file, line and column (`error`).

mod error;
mod kind;
mod read;
mod ron_scan;
mod write;

pub use error::{FileError, Location};
pub use kind::{FileKind, data_dir};
pub use read::{
    hash_bytes, is_regular_file, locate_field, location_at, parse_ron, read_bounded,
    text_from_bytes,
};
pub use ron_scan::{FieldSpan, ron_field_span, ron_struct_close};
pub use write::{write_atomically, write_pair, write_privately};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based() {
        let t = "ab\ncd\nef";
        assert_eq!(location_at(t, 0), Location { line: 1, column: 1 });
        assert_eq!(location_at(t, 4), Location { line: 2, column: 2 });
        assert_eq!(
            locate_field("(\n  id: 1,\n  grid_id: 2)", "id"),
            Location { line: 2, column: 3 }
        );
    }

    #[test]
    fn oversized_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("smp-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("big.ron");
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        std::fs::write(
            &p,
            vec![b'x'; FileKind::Progress.limit_bytes() as usize + 1],
        )
        .unwrap();
        assert!(matches!(
            read_bounded(&p, FileKind::Progress),
            Err(FileError::TooLarge { .. })
        ));
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        assert_eq!(read_bounded(&p, FileKind::Progress).unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn top_level_fields_are_found_outside_strings_and_comments() {
        let t = "(\n    a: \"review: no\", // review: no\n    b: (review: 1),\n    review: Some((x: [1, 2])),\n)\n";
        let span = ron_field_span(t, "review").unwrap();
        assert_eq!(&t[span.start..span.end], "    review: Some((x: [1, 2])),\n");
        assert_eq!(ron_struct_close(t), Some(t.len() - 2));
        assert!(ron_field_span(t, "c").is_none());
    }

    #[test]
    fn safe_write_replaces_whole_file() {
        let dir = std::env::temp_dir().join(format!("smp-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.ron");
        write_atomically(&p, b"first").unwrap();
        write_atomically(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn safe_writes_keep_links_and_modes_and_clear_stale_temps() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("smp-write-keep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.ron");
        let link = dir.join("link.ron");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("real.ron", &link).unwrap();
        // A temporary file a killed writer left an hour ago.
        let stale = dir.join(".real.ron.smp-tmp.99999.0");
        std::fs::write(&stale, b"half").unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!stale.exists(), "the stale temporary file is removed");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_folders_are_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("smp-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("x.ron");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_bounded(&fifo, FileKind::Attempt),
                Err(FileError::NotAFile { .. })
            ));
        }
        assert!(matches!(
            read_bounded(&dir, FileKind::Attempt),
            Err(FileError::NotAFile { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_pair_is_written_together_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("smp-pair-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (png, page) = (dir.join("r.png"), dir.join("r.html"));
        write_pair((&png, b"png 1"), (&page, b"page 1")).unwrap();
        // The page cannot be written (its name is taken by a folder): the old picture stays.
        std::fs::remove_file(&page).unwrap();
        std::fs::create_dir_all(page.join("x")).unwrap();
        assert!(write_pair((&png, b"png 2"), (&page, b"page 2")).is_err());
        assert_eq!(std::fs::read(&png).unwrap(), b"png 1");
        let left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
