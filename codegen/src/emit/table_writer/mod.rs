//! A writer of generated Rust as text, laid out as prettyplease lays it out. It began with the
//! mock's static tables (`generated/operations.rs` and `state.rs`: struct literals, slices,
//! calls and string literals); building them as tokens, parsing them back with `syn` and
//! printing them with prettyplease cost most of the generator's time. Now everything of one
//! fixed shape is written with it (docs/ARCHITECTURE.md, "Text written as prettyplease writes
//! it"): structs and their impls, enums, builders, group handles, the generated tests.
//!
//! The files must read exactly as prettyplease printed them (`cargo xtask codegen --check`
//! compares with the committed output), so the writer lays lines out as prettyplease does: the
//! methods push the same boxes, breaks and words prettyplease's printer pushes for each kind
//! of expression ([`expressions`]) and item ([`items`]), and [`Writer::finish`] ([`layout`])
//! breaks lines by the same rule (Oppen's: a box is broken when it and what follows it up to
//! the next break do not fit the rest of the line; a struct literal wider than 34 columns is
//! always broken). String literals are escaped as `proc_macro2::Literal::string` escapes them.

mod expressions;
mod items;
mod layout;

use proc_macro2::{TokenStream, TokenTree};

/// The column a line should end before, as prettyplease's `MARGIN`.
const MARGIN: isize = 89;
/// The space a deeply indented line still gets, as prettyplease's `MIN_SPACE`.
const MIN_SPACE: isize = 60;
/// One level of indentation.
const INDENT: isize = 4;
/// The size of what never fits: a hard break, or a struct forced to break.
const INFINITY: isize = 0xffff;
/// A struct literal wider than this is broken, one field per line.
const STRUCT_MAX_WIDTH: isize = 34;

/// The start of a [`Writer::chain`].
pub(crate) enum Base<'a> {
    /// A name or path.
    Path(&'a str),
    /// `path(args)`: `args` writes each argument with [`Writer::arg`].
    Call(&'a str, &'a dyn Fn(&mut Writer)),
}

/// A link of a [`Writer::chain`].
pub(crate) enum Link<'a> {
    /// `.name`.
    Field(&'a str),
    /// `.name(args)`: `args` writes each argument with [`Writer::arg`].
    Method(&'a str, &'a dyn Fn(&mut Writer)),
    /// `.name(Value { .. })`: a call of one struct literal, array or closure, which hugs the
    /// parentheses (see [`Writer::call_block`]).
    MethodBlock(&'a str, &'a dyn Fn(&mut Writer)),
    /// `.name::<Type>(args)`.
    Generic(&'a str, &'a TokenStream, &'a dyn Fn(&mut Writer)),
    /// `.await`.
    Await,
    /// `?`.
    Try,
}

/// Whether `token` is the punctuation `ch`.
fn is_punct(token: &TokenTree, ch: char) -> bool {
    matches!(token, TokenTree::Punct(punct) if punct.as_char() == ch)
}

/// Whether a line of `width` columns after `indent` fits, as prettyplease decides it.
pub(crate) fn fits_line(indent: usize, width: usize) -> bool {
    let indent = isize::try_from(indent).unwrap_or(isize::MAX);
    isize::try_from(width).is_ok_and(|width| width <= (MARGIN - indent).max(MIN_SPACE))
}

#[derive(Debug, Clone, Copy)]
enum Token {
    /// `text[start..end]`: code, or a literal or comment (`code` false).
    Text {
        start: usize,
        end: usize,
        code: bool,
    },
    /// An empty word of infinite size: the box around it, and every box it is in, breaks.
    Infinite,
    Begin {
        offset: isize,
        consistent: bool,
    },
    End,
    Break(Break),
}

#[derive(Debug, Clone, Copy, Default)]
struct Break {
    offset: isize,
    blank: isize,
    /// Written before the line break when it breaks (`,` for a trailing comma).
    pre: Option<char>,
    /// Written at the start of the next line when it breaks.
    post: &'static str,
    /// Written in its place when it does not break.
    no_break: Option<char>,
    /// Dropped when the box ends right after it.
    if_nonempty: bool,
    never: bool,
}

/// The text of a file (or of its items) being written: words, boxes and breaks, laid out into
/// lines by [`Writer::finish`].
#[derive(Debug, Default)]
pub(crate) struct Writer {
    text: String,
    tokens: Vec<Token>,
    /// The width of everything pushed so far, breaks counted as their blanks.
    total: isize,
    /// The open boxes: the index of each `Begin` and `total` when it was pushed.
    open: Vec<(usize, isize)>,
    /// The number of elements written so far in each open list (fields, elements, arguments).
    counts: Vec<u32>,
    /// The indentation of the first line, and of every line the writer does not indent more.
    indent: isize,
}

impl Writer {
    /// A writer of a file's items, of about `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> Self {
        let mut writer = Self {
            text: String::with_capacity(capacity),
            tokens: Vec::with_capacity(capacity / 4),
            ..Self::default()
        };
        // As prettyplease's file: every item is in one consistent box, broken by the items'
        // hard breaks, so every break between items breaks.
        writer.cbox(0);
        writer
    }

    /// A writer of statements (or arms) inside a body, whose lines start at column `indent`.
    pub(crate) fn at(indent: usize, capacity: usize) -> Self {
        let mut writer = Self::new(capacity);
        writer.indent = isize::try_from(indent).unwrap_or(0);
        writer
    }

    // --- the printer's primitives ------------------------------------------------------------

    /// A piece of text that never breaks.
    pub(crate) fn word(&mut self, word: &str) {
        let start = self.text.len();
        self.text.push_str(word);
        self.push_text(start, true);
    }

    /// Makes `text[start..]` a word.
    fn push_text(&mut self, start: usize, code: bool) {
        let end = self.text.len();
        self.total += (end - start) as isize;
        // Words with nothing between them lay out as one: one token, half as many to lay out.
        if let Some(Token::Text { end: last_end, code: last_code, .. }) = self.tokens.last_mut()
            && *last_end == start
            && *last_code == code
        {
            *last_end = end;
            return;
        }
        self.tokens.push(Token::Text { start, end, code });
    }

    fn begin(&mut self, offset: isize, consistent: bool) {
        self.open.push((self.tokens.len(), self.total));
        self.tokens.push(Token::Begin { offset, consistent });
    }

    fn cbox(&mut self, offset: isize) {
        self.begin(offset, true);
    }

    fn ibox(&mut self, offset: isize) {
        self.begin(offset, false);
    }

    fn brk(&mut self, token: Break) {
        self.total += token.blank;
        self.tokens.push(Token::Break(token));
    }

    fn zerobreak(&mut self) {
        self.brk(Break::default());
    }

    fn space(&mut self) {
        self.brk(Break { blank: 1, ..Break::default() });
    }

    fn hardbreak(&mut self) {
        self.brk(Break { blank: INFINITY, ..Break::default() });
    }

    fn neverbreak(&mut self) {
        self.brk(Break { never: true, ..Break::default() });
    }

    /// A trailing comma, written only if the line breaks there.
    fn trailing_comma(&mut self, blank: isize) {
        self.brk(Break { blank, pre: Some(','), ..Break::default() });
    }

    /// Moves the indentation of the line after the last break, if the last token is one.
    fn offset(&mut self, offset: isize) {
        if let Some(Token::Break(token)) = self.tokens.last_mut() {
            token.offset += offset;
        }
    }

    /// Closes the innermost box. As prettyplease does, a box holding nothing but a break
    /// vanishes, and a break that only separates from nothing is dropped.
    fn end(&mut self) {
        let (begin, _) = self.open.pop().unwrap_or_default();
        if let Some(&Token::Break(last)) = self.tokens.last() {
            if self.tokens.len() >= 2 && self.tokens.len() - 2 == begin {
                self.tokens.truncate(begin);
                self.total -= last.blank;
                return;
            }
            if last.if_nonempty {
                self.tokens.pop();
                self.total -= last.blank;
            }
        }
        self.tokens.push(Token::End);
    }

    /// Closes the innermost box, which breaks if what it holds is wider than `max`.
    fn end_with_max_width(&mut self, max: isize) {
        if let Some(&(_, start)) = self.open.last()
            && self.total - start > max
        {
            self.tokens.push(Token::Infinite);
            self.total += INFINITY;
        }
        self.end();
    }

    /// Starts the next element of the innermost list: `, ` (or a line break) after the
    /// previous one.
    fn next_element(&mut self) {
        let count = self.counts.last_mut().expect("inside a list");
        *count += 1;
        if *count > 1 {
            self.word(",");
            self.space();
        }
    }
}

/// Appends the inside of a string literal for `value`, as `proc_macro2::Literal::string`
/// spells it: `char::escape_debug`, except that `'` stays as it is and a NUL before an
/// octal digit is `\x00`.
pub(crate) fn escape_into(value: &str, out: &mut String) {
    // Printable ASCII other than `"` and `\` is itself: most strings are only that.
    if value.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        out.push_str(value);
        return;
    }
    // Runs of characters that stand for themselves are copied whole.
    let mut run = 0;
    for (at, c) in value.char_indices() {
        if stands_for_itself(c) {
            continue;
        }
        out.push_str(&value[run..at]);
        run = at + c.len_utf8();
        if c == '\0' {
            let octal = value[run..].starts_with(|next: char| ('0'..='7').contains(&next));
            out.push_str(if octal { "\\x00" } else { "\\0" });
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push_str(&value[run..]);
}

/// Whether `c` is spelled as itself in a string literal: printable ASCII other than `"` and
/// `\` (`'` included, which `escape_debug` would escape), and the CJK ideographs and full-width
/// forms the spec's examples are full of, which `escape_debug` leaves as they are (tested)
/// after a costlier look-up.
fn stands_for_itself(c: char) -> bool {
    matches!(c, ' '..='~' if c != '"' && c != '\\')
        || matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff5e}')
}

impl Writer {
    /// The names of `names` that the words written so far use as identifiers (string
    /// literals and comments are not words), in the order of `names`.
    pub(crate) fn used_names(&self, names: &[&'static str]) -> Vec<&'static str> {
        let mut found = vec![false; names.len()];
        let mut missing = names.len();
        for token in &self.tokens {
            let Token::Text { start, end, code: true } = *token else { continue };
            let word = &self.text.as_bytes()[start..end];
            let mut i = 0;
            while i < word.len() {
                let at = i;
                while i < word.len() && (word[i].is_ascii_alphanumeric() || word[i] == b'_') {
                    i += 1;
                }
                // The names are types and variants: an identifier starting in lower case is none.
                if i > at
                    && word[at].is_ascii_uppercase()
                    && let Some(index) = names.iter().position(|name| name.as_bytes() == &word[at..i])
                    && !found[index]
                {
                    found[index] = true;
                    missing -= 1;
                    if missing == 0 {
                        return names.to_vec();
                    }
                }
                i += 1;
            }
        }
        names.iter().zip(found).filter(|(_, found)| *found).map(|(name, _)| *name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;

    /// What prettyplease prints for `items`, without the blank lines `rust_file` adds.
    fn pretty(items: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(items).expect("valid Rust"))
    }

    #[test]
    fn strings_are_escaped_as_proc_macro2_escapes_them() {
        // The characters taken as themselves without escape_debug's look-up are what it makes.
        for c in ('\u{4e00}'..='\u{9fff}').chain('\u{ff01}'..='\u{ff5e}') {
            assert!(stands_for_itself(c) && c.escape_debug().eq([c]), "{c:?}");
        }
        for &value in crate::emit::test_support::TRICKY_STRINGS {
            let mut ours = String::from("\"");
            escape_into(value, &mut ours);
            ours.push('"');
            assert_eq!(ours, proc_macro2::Literal::string(value).to_string(), "{value:?}");
        }
    }

    fn nested(w: &mut Writer, long: &str) {
        w.struct_lit("Outer", Some("Outer::PLAIN"), |w| {
            w.field("name", |w| w.str(long));
            w.field("short", |w| w.struct_lit("S", None, |w| w.field("a", |w| w.int(-1))));
            w.field("items", |w| {
                w.word("&");
                w.array(["a", "b\"c", long], |w, s| w.str(s));
            });
            w.field("empty", |w| {
                w.word("&");
                w.array(Vec::<u8>::new(), |_, _| {});
            });
            w.field("ints", |w| {
                w.word("&");
                w.int_array(&(0..40).collect::<Vec<i64>>());
            });
            w.field("negative", |w| {
                w.word("&");
                w.int_array(&[1, -2]);
            });
            w.field("call", |w| w.call("Some", |w| w.arg(|w| w.str(long))));
            w.field("short_call", |w| {
                w.call("Ty::Array", |w| w.arg(|w| w.call("TypeId", |w| w.arg(|w| w.uint(7)))))
            });
            w.field("block", |w| {
                w.call_block("Some", |w| w.struct_lit("Inner", None, |w| w.field("x", |w| w.float(-1.5))))
            });
            w.field("pairs", |w| {
                w.word("&");
                w.array([("k", 1.0), ("key", 2.5)], |w, (k, v)| {
                    w.tuple(|w| {
                        w.arg(|w| w.str(k));
                        w.arg(|w| w.float(v));
                    })
                });
            });
        });
    }

    #[test]
    fn nested_tables_print_as_prettyplease_prints_them() {
        let ints: Vec<_> = (0..40).map(proc_macro2::Literal::i64_unsuffixed).collect();
        for long in ["short", &"long text ".repeat(8), "中文的长句子，".repeat(5).as_str()] {
            // Deep enough for prettyplease's minimum line width to apply.
            let mut w = Writer::new(1024);
            w.doc("//!", "The file.\nTwo lines  ", true);
            w.use_list("crate::spec_model", &["Field", "Ty"]);
            w.use_list("crate::spec_model", &["Field"]);
            w.attr("#[cfg_attr(not(test), allow(dead_code))]");
            w.doc("///", "A table.", true);
            w.static_item("pub(crate) static TABLE", "&[Outer]", |w| {
                w.word("&");
                w.array(0..2, |w, _| nested(w, long));
            });
            w.doc("///", "Types.", false);
            w.module("pub(crate) mod m", |w| {
                w.module("pub(crate) mod deeper_module_name", |w| {
                    w.line("use super::super::*;");
                    w.static_item(
                        "pub(crate) const A_VERY_LONG_CONSTANT_NAME_FOR_A_TYPE_OF_THE_SPEC",
                        "NamedType<'static>",
                        |w| nested(w, long),
                    );
                });
            });
            w.attr("#[cfg(test)]");
            w.module("mod tests", |w| {
                w.attr("#[test]");
                w.function("runs", |w| {
                    w.statement(|w| {
                        w.call("crate::run", |w| {
                            w.arg(|w| w.str("key"));
                            w.arg(|w| w.str(long));
                        })
                    })
                });
            });
            let expected_struct = quote! {
                Outer {
                    name: #long,
                    short: S { a: -1 },
                    items: &["a", "b\"c", #long],
                    empty: &[],
                    ints: &[#(#ints),*],
                    negative: &[1, -2],
                    call: Some(#long),
                    short_call: Ty::Array(TypeId(7)),
                    block: Some(Inner { x: -1.5 }),
                    pairs: &[("k", 1.0), ("key", 2.5)],
                    ..Outer::PLAIN
                }
            };
            let expected = pretty(quote! {
                //! The file.
                //! Two lines
                use crate::spec_model::{Field, Ty};
                use crate::spec_model::{Field};
                #[cfg_attr(not(test), allow(dead_code))]
                /// A table.
                pub(crate) static TABLE: &[Outer] = &[#expected_struct, #expected_struct];
                #[doc = "Types."]
                pub(crate) mod m {
                    pub(crate) mod deeper_module_name {
                        use super::super::*;
                        pub(crate) const A_VERY_LONG_CONSTANT_NAME_FOR_A_TYPE_OF_THE_SPEC: NamedType<'static> = #expected_struct;
                    }
                }
                #[cfg(test)]
                mod tests {
                    #[test]
                    fn runs() {
                        crate::run("key", #long);
                    }
                }
            });
            assert_eq!(w.finish(), expected, "{long:?}");
        }
    }

    #[test]
    fn names_in_literals_and_comments_are_not_uses() {
        let mut w = Writer::new(64);
        w.doc("///", "Field", true);
        w.static_item("static A", "&[Ty]", |w| {
            w.word("&");
            w.array([()], |w, ()| {
                w.struct_lit("X", None, |w| {
                    w.field("s", |w| w.str("Field Rule"));
                    w.field("r", |w| w.word("Rule::OneOf"));
                });
            });
        });
        assert_eq!(w.used_names(&["Field", "Rule", "Ty", "Item", "OneOf"]), ["Rule", "Ty", "OneOf"]);
    }
}
