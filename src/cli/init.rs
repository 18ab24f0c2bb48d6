//! `oasis init`: writes a new site and says what to do next.

use crate::init;

use super::{FAILURE, InitArgs, OutputFormat, SUCCESS, report};

pub fn execute(args: InitArgs) -> u8 {
    let files = match init::init(&args.dir) {
        Ok(files) => files,
        Err(d) => {
            report(&[d], OutputFormat::Human);
            return FAILURE;
        }
    };
    let dir = args.dir.display();
    outln!("Created a new site in {dir}:");
    for file in files {
        outln!("  {}", file.display());
    }
    outln!();
    outln!("Next steps:");
    if args.dir.as_os_str() != "." {
        let shown = dir.to_string();
        if shown.contains(char::is_whitespace) {
            outln!("  cd \"{shown}\"");
        } else {
            outln!("  cd {shown}");
        }
    }
    outln!("  oasis serve    preview the site at http://127.0.0.1:1111/");
    outln!("  oasis check    look for mistakes");
    outln!("  oasis build    write the finished site into public/");
    outln!("README.md says where everything goes.");
    SUCCESS
}
