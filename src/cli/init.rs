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
    println!("Created a new site in {dir}:");
    for file in files {
        println!("  {}", file.display());
    }
    println!();
    println!("Next steps:");
    if args.dir.as_os_str() != "." {
        let shown = dir.to_string();
        if shown.contains(char::is_whitespace) {
            println!("  cd \"{shown}\"");
        } else {
            println!("  cd {shown}");
        }
    }
    println!("  oasis serve    preview the site at http://127.0.0.1:1111/");
    println!("  oasis check    look for mistakes");
    println!("  oasis build    write the finished site into public/");
    println!("README.md says where everything goes.");
    SUCCESS
}
