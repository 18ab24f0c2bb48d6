//! `oasis new`: writes a new document and prints its path.

use crate::document::Kind;
use crate::scaffold::{self, NewDocument};

use super::{FAILURE, NewArgs, NewKind, SUCCESS, report, report_failure};

pub fn execute(args: NewArgs) -> u8 {
    let new = NewDocument {
        kind: match args.kind {
            NewKind::Announcement => Kind::Announcement,
            NewKind::Plan => Kind::Plan,
            NewKind::Project => Kind::Project,
            NewKind::Page => Kind::Page,
        },
        title: args.title,
        areas: args.areas,
        priorities: args.priorities,
    };
    match scaffold::create(&args.root, &new) {
        Ok(relative) => {
            let shown = if args.root.as_os_str() == "." {
                relative
            } else {
                args.root.join(relative).display().to_string()
            };
            outln!("{shown}");
            SUCCESS
        }
        Err(diagnostics) => {
            report(&diagnostics, args.format);
            report_failure("nothing was created", &diagnostics, args.format);
            FAILURE
        }
    }
}
