//! Reading spec files into the format types, with every problem located.

use toml_span::{DeserError, Deserialize, ErrorKind};

use crate::diagnostic::Diagnostics;
use crate::format::{
    EndpointFile, ErrorsFile, EventFile, EventsFile, GroupsFile, ResourcesFile, TypesFile, UserActionFile,
};
use crate::source::SourceFile;

/// The spec folder, read: every file parsed into its kind.
#[derive(Debug, Default)]
pub struct LoadedSpec<'a> {
    /// `spec/errors.toml`.
    pub errors: Option<(&'a SourceFile, ErrorsFile)>,
    /// `spec/groups.toml`.
    pub groups: Option<(&'a SourceFile, GroupsFile)>,
    /// `spec/types.toml`.
    pub types: Option<(&'a SourceFile, TypesFile)>,
    /// `spec/<group>/types.toml` files, each with its group.
    pub group_types: Vec<(&'a SourceFile, String, TypesFile)>,
    /// `spec/<group>/errors.toml` files, each with its group.
    pub group_errors: Vec<(&'a SourceFile, String, ErrorsFile)>,
    /// Endpoint files, each with its group (the folder it is in).
    pub endpoints: Vec<(&'a SourceFile, String, EndpointFile)>,
    /// `spec/events.toml`: the headers of push events.
    pub events: Option<(&'a SourceFile, EventsFile)>,
    /// Push event files (`spec/<group>/events/*.toml`), each with its group.
    pub event_files: Vec<(&'a SourceFile, String, EventFile)>,
    /// `spec/resources.toml`: the resources several groups share.
    pub resources: Option<(&'a SourceFile, ResourcesFile)>,
    /// `spec/<group>/resources.toml` files, each with its group.
    pub group_resources: Vec<(&'a SourceFile, String, ResourcesFile)>,
    /// User action files (`spec/<group>/user/*.toml`), each with its group.
    pub user_actions: Vec<(&'a SourceFile, String, UserActionFile)>,
    /// Paths of files that exist but could not be read; their problems are already reported.
    pub unreadable: Vec<String>,
}

/// Where a file sits in the spec folder decides what it holds.
enum FileKind {
    Errors,
    Groups,
    Types,
    GroupErrors { group: String },
    GroupTypes { group: String },
    Endpoint { group: String },
    Events,
    Event { group: String },
    Resources,
    GroupResources { group: String },
    UserAction { group: String },
}

fn file_kind(path: &str) -> Option<FileKind> {
    let rest = path.strip_prefix("spec/")?;
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        ["errors.toml"] => Some(FileKind::Errors),
        ["groups.toml"] => Some(FileKind::Groups),
        ["types.toml"] => Some(FileKind::Types),
        ["events.toml"] => Some(FileKind::Events),
        ["resources.toml"] => Some(FileKind::Resources),
        [group, "user", file] if file.ends_with(".toml") => {
            Some(FileKind::UserAction { group: (*group).to_owned() })
        }
        [group, "resources.toml"] => Some(FileKind::GroupResources { group: (*group).to_owned() }),
        [group, "events", file] if file.ends_with(".toml") => {
            Some(FileKind::Event { group: (*group).to_owned() })
        }
        [group, "errors.toml"] => Some(FileKind::GroupErrors { group: (*group).to_owned() }),
        [group, "types.toml"] => Some(FileKind::GroupTypes { group: (*group).to_owned() }),
        [group, file] if file.ends_with(".toml") => Some(FileKind::Endpoint { group: (*group).to_owned() }),
        _ => None,
    }
}

/// Parses every file, collecting all problems of all files. Files that parse are returned
/// even when others do not, so later checks can still report their problems.
pub fn load(files: &[SourceFile]) -> (LoadedSpec<'_>, Diagnostics) {
    // Endpoint files are three quarters of the spec's text and independent of each other: the
    // last ones are parsed on another thread while this one goes through the rest. Results
    // and problems are taken in file order, so nothing depends on the threads' timing.
    let endpoints: Vec<&SourceFile> = files
        .iter()
        .filter(|file| matches!(file_kind(&file.path), Some(FileKind::Endpoint { .. })))
        .collect();
    let (mine, theirs) = endpoints.split_at(endpoints_parsed_here(files, &endpoints));
    std::thread::scope(|scope| {
        let mut other = (!theirs.is_empty())
            .then(|| scope.spawn(move || theirs.iter().map(|file| parse_endpoint(file)).collect::<Vec<_>>()));
        let mut parsed_there = Vec::new().into_iter();
        let mut endpoint = 0;
        load_in_order(files, |file| {
            endpoint += 1;
            if endpoint <= mine.len() {
                return parse_endpoint(file);
            }
            if let Some(other) = other.take() {
                // Parsing does not panic; should it, the panic goes on here.
                parsed_there =
                    other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).into_iter();
            }
            parsed_there.next().unwrap_or_else(|| parse_endpoint(file))
        })
    })
}

/// How many of the endpoint files (the first ones) this thread parses, the others going to a
/// second thread: as many as make this thread's share of the text (with every other file)
/// about half; all of them with one core or a small spec.
fn endpoints_parsed_here(files: &[SourceFile], endpoints: &[&SourceFile]) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || endpoints.len() < 16 {
        return endpoints.len();
    }
    let half = files.iter().map(|file| file.text.len()).sum::<usize>() / 2;
    let mut theirs = 0;
    let mut first_of_theirs = endpoints.len();
    while first_of_theirs > 1 && theirs + endpoints[first_of_theirs - 1].text.len() <= half {
        first_of_theirs -= 1;
        theirs += endpoints[first_of_theirs].text.len();
    }
    first_of_theirs
}

/// One endpoint file parsed, with its own problems.
fn parse_endpoint(file: &SourceFile) -> (Option<EndpointFile>, Diagnostics) {
    let mut problems = Diagnostics::default();
    (parse(file, &mut problems), problems)
}

/// Reads every file in order, taking each endpoint file's parse from `endpoint`.
fn load_in_order<'a>(
    files: &'a [SourceFile],
    mut endpoint: impl FnMut(&SourceFile) -> (Option<EndpointFile>, Diagnostics),
) -> (LoadedSpec<'a>, Diagnostics) {
    let mut spec = LoadedSpec::default();
    let mut problems = Diagnostics::default();
    for file in files {
        let Some(kind) = file_kind(&file.path) else {
            problems.error(
                file,
                Default::default(),
                "not a place for a spec file: use spec/errors.toml, spec/groups.toml, \
                 spec/types.toml, spec/events.toml, spec/resources.toml, spec/<group>/errors.toml, \
                 spec/<group>/types.toml, spec/<group>/resources.toml, spec/<group>/<endpoint>.toml, \
                 spec/<group>/events/<event>.toml or spec/<group>/user/<action>.toml",
            );
            continue;
        };
        let before = problems.0.len();
        match kind {
            FileKind::Errors => spec.errors = parse(file, &mut problems).map(|f| (file, f)),
            FileKind::Groups => spec.groups = parse(file, &mut problems).map(|f| (file, f)),
            FileKind::Types => spec.types = parse(file, &mut problems).map(|f| (file, f)),
            FileKind::GroupErrors { group } => {
                if let Some(errors) = parse(file, &mut problems) {
                    spec.group_errors.push((file, group, errors));
                }
            }
            FileKind::GroupTypes { group } => {
                if let Some(types) = parse(file, &mut problems) {
                    spec.group_types.push((file, group, types));
                }
            }
            FileKind::Endpoint { group } => {
                let (endpoint, found) = endpoint(file);
                problems.0.extend(found.0);
                if let Some(endpoint) = endpoint {
                    spec.endpoints.push((file, group, endpoint));
                }
            }
            FileKind::Events => spec.events = parse(file, &mut problems).map(|f| (file, f)),
            FileKind::Event { group } => {
                if let Some(event) = parse(file, &mut problems) {
                    spec.event_files.push((file, group, event));
                }
            }
            FileKind::Resources => spec.resources = parse(file, &mut problems).map(|f| (file, f)),
            FileKind::GroupResources { group } => {
                if let Some(resources) = parse(file, &mut problems) {
                    spec.group_resources.push((file, group, resources));
                }
            }
            FileKind::UserAction { group } => {
                if let Some(action) = parse(file, &mut problems) {
                    spec.user_actions.push((file, group, action));
                }
            }
        }
        if problems.0.len() > before {
            spec.unreadable.push(file.path.clone());
        }
    }
    (spec, problems)
}

fn parse<T: for<'de> Deserialize<'de>>(file: &SourceFile, problems: &mut Diagnostics) -> Option<T> {
    let mut value = match toml_span::parse(&file.text) {
        Ok(value) => value,
        Err(error) => {
            report(file, DeserError::from(error), problems);
            return None;
        }
    };
    match T::deserialize(&mut value) {
        Ok(parsed) => Some(parsed),
        Err(errors) => {
            report(file, errors, problems);
            None
        }
    }
}

fn report(file: &SourceFile, errors: DeserError, problems: &mut Diagnostics) {
    for error in errors.errors {
        match error.kind {
            ErrorKind::UnexpectedKeys { keys, expected } => {
                let expected: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
                for (key, span) in keys {
                    problems.error(
                        file,
                        span.into(),
                        format!("unknown key `{key}`; expected one of {}", expected.join(", ")),
                    );
                }
            }
            ErrorKind::MissingField(key) => {
                problems.error(file, error.span.into(), format!("missing key `{key}`"));
            }
            _ => problems.error(file, error.span.into(), error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(path: &str, text: &str) -> Vec<String> {
        let files = [SourceFile::new(path, text)];
        let (_, problems) = load(&files);
        problems.0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn reports_every_problem_of_a_file() {
        let text = "name = \"x\"\ninterface = 3\nsummary = \"s\"\nmethod = \"PUT\"\npath = \"/p\"\n\
                    auth = { token = \"access_token\" }\ncolour = \"red\"\n";
        let got = messages("spec/g/x.toml", text);
        assert_eq!(
            got,
            vec![
                "spec/g/x.toml:2:13: expected a string, found integer".to_owned(),
                // toml-span's span of a string value starts after its opening quote.
                "spec/g/x.toml:4:11: `PUT` is not allowed here; expected one of `GET`, `POST`".to_owned(),
                "spec/g/x.toml:7:1: unknown key `colour`; expected one of `name`, `interface`, `summary`, \
                 `doc`, `method`, `host`, `path`, `body`, `response_body`, `auth`, `availability`, `query`, \
                 `request`, `response`, `types`, `errors`, `examples`, `notes`, `deprecated`, `mock`"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn field_order_is_the_order_written() {
        let text = "name = \"x\"\ninterface = \"i\"\nsummary = \"s\"\nmethod = \"POST\"\npath = \"/p\"\n\
                    auth = { token = \"none\" }\n[request]\nzeta = { type = \"string\", doc = \"z\" }\n\
                    alpha = { type = \"string\", doc = \"a\" }\n";
        let files = [SourceFile::new("spec/g/x.toml", text)];
        let (spec, problems) = load(&files);
        assert!(problems.is_empty(), "{problems}");
        let names: Vec<_> = spec.endpoints[0].2.request.0.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha"]);
    }

    #[test]
    fn syntax_errors_are_located() {
        let got = messages("spec/errors.toml", "[[errors]]\ncode = \n");
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("spec/errors.toml:2:"), "{got:?}");
    }

    #[test]
    fn files_outside_the_layout_are_refused() {
        let got = messages("spec/a/b/c.toml", "");
        assert!(got[0].contains("not a place for a spec file"), "{got:?}");
    }
}
