//! `siaran init` and `siaran new`.

use std::path::Path;

use siaran::content::{Kind, scaffold};

use super::{CliError, Context, Outcome};

pub fn init(context: &Context, dir: &Path, preset: &str) -> Result<Outcome, CliError> {
    let dir = if dir.is_absolute() { dir.to_path_buf() } else { context.root.join(dir) };
    let written = scaffold::init_repository(&dir, preset, context.now)?;
    if !context.quiet {
        println!("Repositori baru untuk SOP `{preset}` di {}:", dir.display());
        for path in written {
            println!("  {}", path.strip_prefix(&dir).unwrap_or(&path).display());
        }
        println!(
            "Berikutnya: ganti nama orang dan kantor di siaran.yaml, lalu `siaran --root {} check`.",
            dir.display()
        );
    }
    Ok(Outcome::Success)
}

pub fn new(context: &Context, title: &str, kind: Kind) -> Result<Outcome, CliError> {
    let repository = match super::load_repository(context) {
        Ok(repository) => repository,
        Err(outcome) => return Ok(outcome),
    };
    let path = scaffold::new_post(&context.root, &repository.config, title, kind, context.now)?;
    let shown = path.strip_prefix(&context.root).unwrap_or(&path);
    if context.quiet {
        println!("{}", shown.display());
    } else {
        println!("Dibuat: {}", shown.display());
        println!("Lengkapi front matter dan narasi, simpan foto di folder yang sama, lalu `siaran check`.");
    }
    Ok(Outcome::Success)
}
