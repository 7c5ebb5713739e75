//! Renders the files of a new project from the templates in `templates/`.

pub mod context;
pub mod templates;

use std::path::PathBuf;

use tera::Context;

use context::{ContextInput, ProjectContext};
use templates::{Templates, STARTER};

/// A file of the new project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    /// The path inside the project folder.
    pub path: PathBuf,
    /// The content.
    pub content: Vec<u8>,
}

/// A failure to render a template.
#[derive(Debug, thiserror::Error)]
#[error("cannot render template {template}: {source}")]
pub struct RenderError {
    template: &'static str,
    #[source]
    source: tera::Error,
}

/// Renders the starter document, titled `title`.
pub fn render_starter(title: &str) -> Result<String, RenderError> {
    let templates = Templates::load().map_err(|source| RenderError {
        template: "(all)",
        source,
    })?;
    let mut context = Context::new();
    context.insert("title_yaml", &context::toml_string(title));
    templates
        .render(&STARTER, &context)
        .map_err(|source| RenderError {
            template: STARTER.name,
            source,
        })
}

/// Renders every project file except the document, which the caller
/// copies.
pub fn render_project(input: &ContextInput<'_>) -> Result<Vec<ProjectFile>, RenderError> {
    let templates = Templates::load().map_err(|source| RenderError {
        template: "(all)",
        source,
    })?;
    let project: ProjectContext = context::project_context(input);
    let base = Context::from_serialize(&project).map_err(|source| RenderError {
        template: "(context)",
        source,
    })?;

    let mut files = Vec::new();
    let mut render = |path: String, template: &templates::Template, context: &Context| {
        let text = templates
            .render(template, context)
            .map_err(|source| RenderError {
                template: template.name,
                source,
            })?;
        files.push(ProjectFile {
            path: PathBuf::from(path),
            content: text.into_bytes(),
        });
        Ok::<(), RenderError>(())
    };

    render("Cargo.toml".into(), &templates::CARGO_TOML, &base)?;
    render("build.rs".into(), &templates::BUILD_RS, &base)?;
    render("src/main.rs".into(), &templates::MAIN_RS, &base)?;
    render("src/config.rs".into(), &templates::CONFIG_RS, &base)?;
    for side in &project.sides {
        let mut context = base.clone();
        context.insert("side", side);
        render(
            format!("src/{}.rs", side.module),
            &templates::SIDE_RS,
            &context,
        )?;
    }
    render("README.md".into(), &templates::README_MD, &base)?;
    render(".env.example".into(), &templates::ENV_EXAMPLE, &base)?;
    render(".gitignore".into(), &templates::GITIGNORE, &base)?;
    Ok(files)
}
