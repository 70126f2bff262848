//! The generator of the WeChat invoice SDK.
//!
//! [`generate`] is a pure function from the spec folder's files to the generated files:
//! load (parse with spans) -> resolve (validate, derive names) -> emit (quote, syn,
//! prettyplease). It does no I/O; `xtask` reads the spec folder and writes the results.

pub mod diagnostic;
pub mod emit;
mod examples;
pub mod format;
mod lenient;
pub mod load;
pub mod model;
pub mod names;
mod parallel;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod splice;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use emit::{EmitError, OutputFile};
pub use source::SourceFile;

/// Why nothing was generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec has problems; each is located.
    #[error("{0}")]
    Spec(#[from] Diagnostics),
    /// The generator itself failed.
    #[error(transparent)]
    Emit(#[from] EmitError),
}

/// Reads and checks the spec without generating anything.
pub fn check_spec(files: &[SourceFile]) -> Result<model::Spec, Diagnostics> {
    let (loaded, mut problems) = load::load(files);
    problems.0.extend(lenient::misplaced(&loaded).0);
    match resolve::resolve(&loaded) {
        Ok(spec) => problems.into_result(spec),
        Err(more) => {
            problems.0.extend(more.0);
            problems.into_result(model::Spec {
                general_errors: Vec::new(),
                shared_types: Vec::new(),
                groups: Vec::new(),
                codes: Vec::new(),
                events: model::Events::default(),
                state: model::StateModel::default(),
            })
        }
    }
}

/// Every generated file for the given spec files, sorted by path; all or nothing.
pub fn generate(files: &[SourceFile]) -> Result<Vec<OutputFile>, Error> {
    let spec = check_spec(files)?;
    let mut outputs = emit::emit(&spec)?;
    outputs.push(schema::schema_file());
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(outputs)
}
